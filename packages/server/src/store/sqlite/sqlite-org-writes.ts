import type Database from 'better-sqlite3'
import { withoutFsync } from './sqlite-db.js'
import { applySettingsPatch, parseOrgSettings } from '../../orgs/org-settings.js'
import type { OrgSettings, OrgSettingsPatch } from '../../orgs/org-settings.js'

/** Org-level writes of the embedded store (run by the writer, see sqlite-writes.ts). */
export function createSqliteOrgWrites(db: Database.Database) {
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  const readSettings = db.prepare<[string], { settings: string }>(
    'SELECT settings FROM orgs WHERE id = ?',
  )
  const writeSettings = db.prepare('UPDATE orgs SET settings = ? WHERE id = ?')
  // Read, merge and write in one transaction of the one writer connection: no change is lost to a
  // concurrent one, whichever process or thread sent it.
  const update = db.transaction((orgId: string, patch: OrgSettingsPatch): OrgSettings => {
    ensureOrg.run(orgId, orgId, Date.now())
    const next = applySettingsPatch(parseOrgSettings(readSettings.get(orgId)?.settings), patch)
    writeSettings.run(JSON.stringify(next), orgId)
    return next
  })
  const openMonth = db.prepare(
    'INSERT OR IGNORE INTO org_usage (org_id, month, events) VALUES (?, ?, 0)',
  )
  const reserve = db.prepare<Record<string, unknown>, { events: number }>(
    'UPDATE org_usage SET events = events + @n WHERE org_id = @org AND month = @month AND events + @n <= @limit RETURNING events',
  )
  const used = db.prepare<[string, string], { events: number }>(
    'SELECT events FROM org_usage WHERE org_id = ? AND month = ?',
  )
  const release = db.prepare(
    'UPDATE org_usage SET events = max(0, events - ?) WHERE org_id = ? AND month = ?',
  )
  const reserveUsage = db.transaction((orgId: string, month: string, n: number, limit: number) => {
    ensureOrg.run(orgId, orgId, Date.now())
    openMonth.run(orgId, month)
    const row = reserve.get({ n, org: orgId, month, limit })
    return row
      ? { ok: true, used: row.events }
      : { ok: false, used: (used.get(orgId, month) as { events: number }).events }
  })
  // A reservation needs no fsync of its own: the append that follows it commits with one, which
  // makes it durable too; a crash before that loses the reservation with the request it was for.
  const unsynced = <T>(fn: () => T): T => withoutFsync(db, fn)
  return {
    reserveUsage: (
      orgId: string,
      month: string,
      n: number,
      limit: number,
    ): { ok: boolean; used: number } => unsynced(() => reserveUsage(orgId, month, n, limit)),
    releaseUsage: (orgId: string, month: string, n: number): void => {
      unsynced(() => release.run(n, orgId, month))
    },
    updateOrgSettings: (orgId: string, patch: OrgSettingsPatch): OrgSettings =>
      update(orgId, patch),
  }
}
