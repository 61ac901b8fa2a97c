/**
 * The UTC calendar month of a receive time, as `YYYY-MM`: the key of the per-org usage counter
 * (`org_usage`, written in the append transaction, read by the plan gate). Usage is counted by
 * when the server received an event, never by its client-set `ts`, so a backdated event counts in
 * the month it arrived.
 */
export function usageMonth(receivedAtMs: number): string {
  return new Date(receivedAtMs).toISOString().slice(0, 7)
}
