import type Database from 'better-sqlite3'
import { parseOrgSettings } from '../org-settings.js'

/** Org-level reads of the embedded store that go beyond one org's settings (main connection). */
export function createSqliteOrgReads(db: Database.Database) {
  const withRetention = db.prepare<[], { id: string; settings: string }>(
    "SELECT id, settings FROM orgs WHERE json_extract(settings, '$.plan.retention_days') IS NOT NULL",
  )
  return {
    retentionPolicies: async (): Promise<Array<{ orgId: string; retentionDays: number }>> =>
      withRetention.all().flatMap((row) => {
        const days = parseOrgSettings(row.settings).plan.retention_days
        return days === null ? [] : [{ orgId: row.id, retentionDays: days }]
      }),
  }
}
