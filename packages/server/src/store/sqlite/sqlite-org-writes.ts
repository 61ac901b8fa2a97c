import type Database from 'better-sqlite3'

/** Org-level writes of the embedded store (run by the writer, see sqlite-writes.ts). */
export function createSqliteOrgWrites(db: Database.Database) {
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  const setSettings = db.prepare('UPDATE orgs SET settings = ? WHERE id = ?')
  return {
    setOrgSettings: (orgId: string, settings: string): void => {
      ensureOrg.run(orgId, orgId, Date.now())
      setSettings.run(settings, orgId)
    },
  }
}
