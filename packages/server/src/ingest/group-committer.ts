import type { AppendItem, AppendOutcome, EventStore } from '../store/store.js'

interface Waiting {
  items: readonly AppendItem[]
  resolve: (outcomes: AppendOutcome[]) => void
  reject: (error: unknown) => void
}

export interface GroupCommitter {
  /** Resolves once the items are committed; many concurrent calls share one transaction. */
  append(items: readonly AppendItem[]): Promise<AppendOutcome[]>
  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void>
}

/**
 * Group commit: callers queue their items; one transaction at a time takes everything queued (up to
 * `maxEvents`) and each caller is answered from its slice of the result. While a commit is in
 * flight the queue fills, so the busier the server, the larger (and cheaper per event) each
 * transaction. If a shared transaction fails, each caller's items are retried alone so that one
 * bad request cannot fail its neighbours.
 */
export function createGroupCommitter(store: Pick<EventStore, 'append'>, options: { maxEvents?: number } = {}): GroupCommitter {
  const maxEvents = options.maxEvents ?? 5_000
  let queue: Waiting[] = []
  let running: Promise<void> | undefined

  const commit = async (batch: Waiting[]) => {
    const items = batch.length === 1 ? (batch[0] as Waiting).items : batch.flatMap((w) => w.items)
    try {
      const outcomes = await store.append(items)
      let offset = 0
      for (const w of batch) {
        w.resolve(outcomes.slice(offset, offset + w.items.length))
        offset += w.items.length
      }
    } catch (error) {
      if (batch.length === 1) (batch[0] as Waiting).reject(error)
      else for (const w of batch) await commit([w])
    }
  }

  const loop = async () => {
    // Let the requests that arrived in this turn of the event loop join the first transaction.
    await new Promise<void>((resolve) => setImmediate(resolve))
    while (queue.length > 0) {
      let count = 0
      let take = 0
      while (take < queue.length && (take === 0 || count + (queue[take] as Waiting).items.length <= maxEvents)) {
        count += (queue[take] as Waiting).items.length
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
      return new Promise<AppendOutcome[]>((resolve, reject) => {
        queue.push({ items, resolve, reject })
        running ??= loop()
      })
    },
    async drain() {
      while (running) await running
    },
  }
}
