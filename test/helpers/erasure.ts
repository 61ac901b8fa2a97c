import type { DeleteRange, Store } from '../../packages/server/src/store/store.js'
import type { ErasureRecord } from '../../packages/server/src/store/tombstone.js'

/** The tombstone record of a test's plain range erasure (`selector.by: range`, `user: system`). */
export function rangeErasure(range: DeleteRange): ErasureRecord {
  return {
    reason: 'test',
    selector: { by: 'range', from: range.from, to: range.to },
    requestRef: null,
    actor: 'system',
  }
}

/** Erases `range` of the org's events with a plain tombstone; resolves to how many went. */
export async function eraseRange(
  store: Pick<Store, 'events'>,
  orgId: string,
  range: DeleteRange,
): Promise<number> {
  return (await store.events.erase(orgId, range, rangeErasure(range))).erased
}
