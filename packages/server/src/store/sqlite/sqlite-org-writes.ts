import type Database from 'better-sqlite3'
import { applySettingsPatch, parseOrgSettings } from '../org-settings.js'
import type { OrgSettings, OrgSettingsPatch } from '../org-settings.js'

/** Org-level writes of the embedded store (run by the writer, see sqlite-writes.ts). */
export function createSqliteOrgWrites(db: Database.Database) {
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  const readSettings = db.prepare<[string], { settings: string }>('SELECT settings FROM orgs WHERE id = ?')
  const writeSettings = db.prepare('UPDATE orgs SET settings = ? WHERE id = ?')
  // Read, merge and write in one transaction of the one writer connection: no change is lost to a
  // concurrent one, whichever process or thread sent it.
  const update = db.transaction((orgId: string, patch: OrgSettingsPatch): OrgSettings => {
    ensureOrg.run(orgId, orgId, Date.now())
    const next = applySettingsPatch(parseOrgSettings(readSettings.get(orgId)?.settings), patch)
    writeSettings.run(JSON.stringify(next), orgId)
    return next
  })
  return {
    updateOrgSettings: (orgId: string, patch: OrgSettingsPatch): OrgSettings => update(orgId, patch),
  }
}
