import type Database from 'better-sqlite3'

/** Agent registration on the embedded store (a write op, run by the writer; see sqlite-writes.ts). */
export function createSqliteAgentWrites(db: Database.Database) {
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  // Registered but not seen yet: first and last seen are the registration time, counts zero.
  const register =
    db.prepare(`INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros)
    VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0) ON CONFLICT DO NOTHING`)
  return {
    registerAgent: (orgId: string, environment: string, name: string): boolean => {
      const now = Date.now()
      ensureOrg.run(orgId, orgId, now)
      return register.run(orgId, environment, name, now, now).changes === 1
    },
  }
}
