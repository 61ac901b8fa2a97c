import type { SqliteWriter } from './sqlite-writer.js'

/**
 * The writer with a signal after every committed write that can append events: `append`, the
 * checks (a refusal is stored as the check's event), agent status changes and approval decisions
 * (each records itself, and a kill its alert), and the alert evaluator's changes (each step is
 * recorded), and erasures (each appends its tombstones). `committed(orgId)` runs once per org the write
 * touched, on this thread, after the transaction resolved; nothing is signalled when it failed.
 */
export function signalCommits(
  writer: SqliteWriter,
  committed: (orgId: string) => void,
): SqliteWriter {
  const after =
    <A extends unknown[], R>(
      orgsOf: (...args: A) => Iterable<string>,
      write: (...args: A) => Promise<R>,
    ) =>
    async (...args: A): Promise<R> => {
      const result = await write(...args)
      for (const orgId of new Set(orgsOf(...args))) committed(orgId)
      return result
    }
  return {
    ...writer,
    append: after((items) => items.map((i) => i.orgId), writer.append),
    controlCheck: after((items) => items.map((i) => i.orgId), writer.controlCheck),
    setAgentStatus: after((orgId) => [orgId], writer.setAgentStatus),
    decideApproval: after((orgId) => [orgId], writer.decideApproval),
    applyAlerts: after((orgId) => [orgId], writer.applyAlerts),
    eraseEvents: after((orgId) => [orgId], writer.eraseEvents),
  }
}
