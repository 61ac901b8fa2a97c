import type Database from 'better-sqlite3'
import type { NewSession } from '../store.js'

/** The dashboard sessions' writes (`sessions`, migration 011), composed into `createSqliteWrites`. */
export function createSqliteSessionWrites(db: Database.Database) {
  const dropExpired = db.prepare('DELETE FROM sessions WHERE expires_at < ?')
  const insert = db.prepare(
    'INSERT INTO sessions (token_hash, key_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  )
  const remove = db.prepare('DELETE FROM sessions WHERE token_hash = ?')
  // Expired rows go when a new session is made, so the table holds about one day of sign-ins.
  const insertSession = db.transaction((session: NewSession, now: number) => {
    dropExpired.run(now)
    insert.run(session.tokenHash, session.keyId, now, session.expiresAt)
  })
  return {
    insertSession: (session: NewSession, now: number): void => insertSession(session, now),
    deleteSession: (tokenHash: string): boolean => remove.run(tokenHash).changes === 1,
  }
}
