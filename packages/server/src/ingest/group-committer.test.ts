import { describe, expect, it } from 'vitest'
import type { AppendItem, AppendOutcome } from '../store/store.js'
import { newEvent } from '../../../../test/helpers/events.js'
import { createGroupCommitter } from './group-committer.js'

function fakeStore(fail?: (items: readonly AppendItem[]) => boolean) {
  const calls: number[] = []
  let seq = 0
  return {
    calls,
    async append(items: readonly AppendItem[]): Promise<AppendOutcome[]> {
      calls.push(items.length)
      await new Promise((r) => setTimeout(r, 5))
      if (fail?.(items)) throw new Error('boom')
      return items.map((i) => ({ id: i.event.id, seq: ++seq, received_at: '', duplicate: false }))
    },
  }
}

const item = (n = 0): AppendItem => ({ orgId: 'o', event: newEvent({ n }) })

describe('createGroupCommitter', () => {
  it('commits concurrent callers together and answers each with its own slice', async () => {
    const store = fakeStore()
    const committer = createGroupCommitter(store)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => committer.append([item(i), item(i)])),
    )
    expect(store.calls).toEqual([100])
    results.forEach((r, i) => expect(r.map((o) => o.seq)).toEqual([2 * i + 1, 2 * i + 2]))
  })

  it('keeps one commit in flight and batches what queued meanwhile', async () => {
    const store = fakeStore()
    const committer = createGroupCommitter(store)
    const first = committer.append([item()])
    await new Promise((r) => setTimeout(r, 1))
    const rest = Array.from({ length: 10 }, () => committer.append([item()]))
    await Promise.all([first, ...rest])
    expect(store.calls).toEqual([1, 10])
  })

  it('caps a transaction at maxEvents', async () => {
    const store = fakeStore()
    const committer = createGroupCommitter(store, { maxEvents: 4 })
    await Promise.all(Array.from({ length: 10 }, () => committer.append([item()])))
    expect(store.calls).toEqual([4, 4, 2])
  })

  it('retries callers alone when a shared transaction fails, so only the bad one fails', async () => {
    const store = fakeStore((items) => items.some((i) => i.event.agent === 'poison'))
    const committer = createGroupCommitter(store)
    const good = committer.append([item()])
    const bad = committer.append([{ orgId: 'o', event: newEvent({ agent: 'poison' }) }])
    const good2 = committer.append([item()])
    const [g1, b, g2] = await Promise.allSettled([good, bad, good2])
    expect(g1).toMatchObject({ status: 'fulfilled', value: [expect.anything()] })
    expect(g2).toMatchObject({ status: 'fulfilled', value: [expect.anything()] })
    expect(b).toMatchObject({ status: 'rejected', reason: new Error('boom') })
    expect(store.calls).toEqual([3, 1, 1, 1])
  })

  it('drains: resolves once nothing is queued or in flight', async () => {
    const store = fakeStore()
    const committer = createGroupCommitter(store)
    let done = false
    void committer.append([item()]).then(() => (done = true))
    await committer.drain()
    expect(done).toBe(true)
  })
})
