import { createBatcher } from '../batcher.js'
import type { AppendItem, AppendOutcome, EventStore } from '../store/store.js'

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
export function createGroupCommitter(
  store: Pick<EventStore, 'append'>,
  options: { maxEvents?: number } = {},
): GroupCommitter {
  return createBatcher(
    (items: readonly AppendItem[]) => store.append(items),
    options.maxEvents ?? 5_000,
  )
}
