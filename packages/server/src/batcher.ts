interface Waiting<I, O> {
  items: readonly I[]
  resolve: (outcomes: O[]) => void
  reject: (error: unknown) => void
}

/**
 * Group commit over any operation that takes many items in one transaction and answers one outcome
 * per item: callers queue their items; one run at a time takes everything queued (up to `maxItems`)
 * and each caller is answered from its slice. If a shared run fails, each caller's items are run
 * alone, so that one bad request cannot fail its neighbours. (`createGroupCommitter` is this over
 * appends; the embedded store's checks use it too.)
 */
export interface Batcher<I, O> {
  append(items: readonly I[]): Promise<O[]>
  drain(): Promise<void>
}

export function createBatcher<I, O>(
  run: (items: readonly I[]) => Promise<O[]>,
  maxItems: number,
): Batcher<I, O> {
  let queue: Array<Waiting<I, O>> = []
  let running: Promise<void> | undefined

  const commit = async (batch: Array<Waiting<I, O>>) => {
    const items =
      batch.length === 1 ? (batch[0] as Waiting<I, O>).items : batch.flatMap((w) => w.items)
    try {
      const outcomes = await run(items)
      let offset = 0
      for (const w of batch) {
        w.resolve(outcomes.slice(offset, offset + w.items.length))
        offset += w.items.length
      }
    } catch (error) {
      if (batch.length === 1) (batch[0] as Waiting<I, O>).reject(error)
      else for (const w of batch) await commit([w])
    }
  }

  const loop = async () => {
    // Let the requests that arrived in this turn of the event loop join the first transaction.
    await new Promise<void>((resolve) => setImmediate(resolve))
    while (queue.length > 0) {
      let count = 0
      let take = 0
      while (
        take < queue.length &&
        (take === 0 || count + (queue[take] as Waiting<I, O>).items.length <= maxItems)
      ) {
        count += (queue[take] as Waiting<I, O>).items.length
        take++
      }
      const batch = queue.slice(0, take)
      queue = queue.slice(take)
      await commit(batch)
    }
    running = undefined
  }

  return {
    append(items) {
      if (items.length === 0) return Promise.resolve([])
      return new Promise<O[]>((resolve, reject) => {
        queue.push({ items, resolve, reject })
        running ??= loop()
      })
    },
    async drain() {
      while (running) await running
    },
  }
}
