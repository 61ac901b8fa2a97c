import { normalizeEvent } from '@agenttrail/protocol'
import type { GroupCommitter } from './group-committer.js'

/** What the server did to an org's data, for the trail. */
export interface AuditRecord {
  /** What happened: `policy.created`, `evaluation.created`. (Erasures append their own: store/tombstone.ts.) */
  action: string
  /** Who did it: the key id, or `system` for a job. */
  user: string
  title: string
  /** The details: what changed, never a payload. */
  metadata: Record<string, unknown>
  /** Default `production`. */
  environment?: string
  /** The caller's address, when a request asked for it. */
  ipAddress?: string | null
}

/**
 * Appends the server's own record of a change to an org's data as an event `kind: audit`, so that
 * nothing changes without a trace. Callers record only what changed something, never a no-op.
 *
 * The record never names an agent, even when it is about one (the agent goes in `metadata`), so it
 * stays out of that agent's activity feed, archives and counters. It goes to the group committer
 * directly, past the ingest gates, so that a plan limit cannot leave a change untraced, and it does
 * not count as the org's usage. Throws when the record is not a valid event (a bug).
 * Resolves to the audit event's id once it is committed.
 */
export async function recordAudit(
  committer: Pick<GroupCommitter, 'append'>,
  orgId: string,
  record: AuditRecord,
  now: number = Date.now(),
): Promise<string> {
  const { ipAddress, ...fields } = record
  const audit = normalizeEvent(
    { kind: 'audit', status: 'success', ...fields },
    { now, ipAddress: ipAddress ?? null },
  )
  if (!audit.ok) throw new Error(`the ${record.action} audit event is not valid`)
  await committer.append([{ orgId, event: audit.event, system: true }])
  return audit.event.id
}
