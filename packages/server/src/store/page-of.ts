/**
 * One page from rows fetched with `LIMIT limit + 1`: the first `limit` as items, and the cursor of
 * the last item when a further row proves that more follow. Shared by every dialect.
 */
export function pageOf<R, T, C>(
  rows: readonly R[],
  limit: number,
  itemOf: (row: R) => T,
  cursorOf: (row: R) => C,
): { items: T[]; next?: C } {
  const items = rows.slice(0, limit).map(itemOf)
  const last = rows.length > limit ? rows[limit - 1] : undefined
  return last === undefined ? { items } : { items, next: cursorOf(last) }
}
