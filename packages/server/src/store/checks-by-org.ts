/**
 * Decides a group of checks that arrived together, one transaction per org (`decideAll` holds that
 * org's lock and decides its checks one after the other); orgs run side by side. When an org's
 * shared transaction fails, each of its checks is decided alone, so one bad check cannot fail its
 * neighbours; an org whose transaction committed is never decided again. A check that fails alone
 * gets its error as its outcome.
 */
export async function decideChecksByOrg<I, D>(
  items: ReadonlyArray<{ orgId: string; input: I }>,
  decideAll: (orgId: string, inputs: readonly I[]) => Promise<D[]>,
): Promise<Array<D | Error>> {
  const out: Array<D | Error> = new Array(items.length)
  const byOrg = new Map<string, number[]>()
  items.forEach(({ orgId }, i) => byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), i]))
  await Promise.all(
    [...byOrg].map(async ([orgId, indexes]) => {
      const inputs = indexes.map((i) => (items[i] as { input: I }).input)
      try {
        ;(await decideAll(orgId, inputs)).forEach((d, k) => (out[indexes[k] as number] = d))
      } catch {
        for (const [k, i] of indexes.entries())
          out[i] = await decideAll(orgId, [inputs[k] as I]).then(
            ([d]) => d as D,
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          )
      }
    }),
  )
  return out
}
