import type pg from 'pg'
import { parseOrgSettings } from '../../orgs/org-settings.js'

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
    async reserveUsage(
      orgId: string,
      month: string,
      n: number,
      limit: number,
    ): Promise<{ ok: boolean; used: number }> {
      // One statement: the row is created with n, or grows by n, only while that stays within the limit.
      const { rows } = await pool.query<{ events: string }>({
        name: 'org-usage-reserve',
        text: `INSERT INTO org_usage (org_id, month, events) SELECT $1, $2, $3::bigint WHERE $3::bigint <= $4::bigint
               ON CONFLICT (org_id, month) DO UPDATE SET events = org_usage.events + EXCLUDED.events
               WHERE org_usage.events + EXCLUDED.events <= $4::bigint RETURNING events`,
        values: [orgId, month, n, limit],
      })
      if (rows[0]) return { ok: true, used: Number(rows[0].events) }
      const now = await pool.query<{ events: string }>(
        'SELECT events FROM org_usage WHERE org_id = $1 AND month = $2',
        [orgId, month],
      )
      return { ok: false, used: Number(now.rows[0]?.events ?? 0) }
    },
    async releaseUsage(orgId: string, month: string, n: number): Promise<void> {
      await pool.query(
        'UPDATE org_usage SET events = greatest(0, events - $3) WHERE org_id = $1 AND month = $2',
        [orgId, month, n],
      )
    },
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
      await pool.query(
        'INSERT INTO orgs (id, name, created_at) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING',
        [orgId, now],
      )
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
