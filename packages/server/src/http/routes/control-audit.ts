import type { Context } from 'hono'
import type { GroupCommitter } from '../../ingest/group-committer.js'
import { recordAudit } from '../../ingest/record-audit.js'
import type { AppEnv } from '../app-env.js'
import { clientAddress } from '../ingest-request.js'

export interface ControlChange {
  /** `policy.created`, `budget.reset`... */
  action: string
  title: string
  /** The environment the change applies to; absent: every environment (recorded under production). */
  environment?: string | null
  metadata: Record<string, unknown>
}

/**
 * Records a change to what decides (a policy, a budget, an alert's state) in the trail as an audit
 * event by the key that made it, once the store has made it. Nothing is recorded for a no-op.
 */
export async function recordControlChange(
  c: Context<AppEnv>,
  committer: Pick<GroupCommitter, 'append'>,
  change: ControlChange,
) {
  const key = c.get('apiKey')
  await recordAudit(committer, key.org_id, {
    action: change.action,
    user: key.id,
    title: change.title,
    ...(change.environment ? { environment: change.environment } : {}),
    metadata: { ...change.metadata, key: { id: key.id, name: key.name } },
    ipAddress: clientAddress(c),
  })
}
