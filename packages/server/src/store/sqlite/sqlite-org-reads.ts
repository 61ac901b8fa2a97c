import type Database from 'better-sqlite3'
import { parseOrgSettings } from '../../orgs/org-settings.js'

/** Org-level reads of the embedded store that go beyond one org's settings (main connection). */
export function createSqliteOrgReads(db: Database.Database) {
  const withRetention = db.prepare<[], { id: string; settings: string }>(
    "SELECT id, settings FROM orgs WHERE json_extract(settings, '$.plan.retention_days') IS NOT NULL",
  )
  const org = db.prepare<[string], { id: string }>('SELECT id FROM orgs WHERE id = ?')
  // One primary-key lookup: the plan gate runs it on every ingest request of an org with a limit.
  const usage = db.prepare<[string, string], { events: number }>(
    'SELECT events FROM org_usage WHERE org_id = ? AND month = ?',
  )
  return {
    retentionPolicies: async (): Promise<Array<{ orgId: string; retentionDays: number }>> =>
      withRetention.all().flatMap((row) => {
        const days = parseOrgSettings(row.settings).plan.retention_days
        return days === null ? [] : [{ orgId: row.id, retentionDays: days }]
      }),
    exists: async (orgId: string): Promise<boolean> => org.get(orgId) !== undefined,
    usage: async (orgId: string, month: string): Promise<number> =>
      usage.get(orgId, month)?.events ?? 0,
  }
}
