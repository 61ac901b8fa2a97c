import type pg from 'pg'
import { parseOrgSettings } from '../org-settings.js'

/** Org-level reads (retention, existence, monthly usage) and agent registration on PostgreSQL (see OrgStore in store.ts). */
export function createPostgresOrgRoster(pool: pg.Pool) {
  return {
    async retentionPolicies(): Promise<Array<{ orgId: string; retentionDays: number }>> {
      const { rows } = await pool.query<{ id: string; settings: string }>(
        "SELECT id, settings FROM orgs WHERE settings::jsonb -> 'plan' ->> 'retention_days' IS NOT NULL",
      )
      return rows.flatMap((row) => {
        const days = parseOrgSettings(row.settings).plan.retention_days
        return days === null ? [] : [{ orgId: row.id, retentionDays: days }]
      })
    },
    async exists(orgId: string): Promise<boolean> {
      return ((await pool.query('SELECT 1 FROM orgs WHERE id = $1', [orgId])).rowCount ?? 0) > 0
    },
    /** One primary-key lookup: the plan gate runs it on every ingest request of an org with a limit. */
    async usage(orgId: string, month: string): Promise<number> {
      const { rows } = await pool.query<{ events: string }>({
        name: 'org-usage',
        text: 'SELECT events FROM org_usage WHERE org_id = $1 AND month = $2',
        values: [orgId, month],
      })
      return Number(rows[0]?.events ?? 0)
    },
    async registerAgent(orgId: string, environment: string, name: string): Promise<boolean> {
      const now = Date.now()
      await pool.query('INSERT INTO orgs (id, name, created_at) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING', [orgId, now])
      // Registered but not seen yet: first and last seen are the registration time, counts zero.
      const { rowCount } = await pool.query(
        `INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros)
         VALUES ($1, $2, $3, $4, $4, 0, 0, 0, 0) ON CONFLICT (org_id, environment, name) DO NOTHING`,
        [orgId, environment, name, now],
      )
      return rowCount === 1
    },
  }
}
