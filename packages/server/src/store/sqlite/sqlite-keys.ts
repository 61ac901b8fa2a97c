import type Database from 'better-sqlite3'
import type { KeyStore, NewApiKey } from '../store.js'
import { KEY_COLUMNS, toKeyRecord } from '../key-row.js'
import type { KeyRow } from '../key-row.js'
import type { SqliteWriter } from './sqlite-writer.js'

/** Key reads on the reading connection; writes go through the writer. */
export function createSqliteKeys(db: Database.Database, writer: SqliteWriter): KeyStore {
  const joinedKeyColumns = KEY_COLUMNS.split(',')
    .map((c) => `k.${c.trim()}`)
    .join(', ')
  const countActive = db.prepare<[], { n: number }>(
    'SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL',
  )
  const byHash = db.prepare<[string], KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL`,
  )
  const byId = db.prepare<[string], KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = ?`)
  const byStreamToken = db.prepare<[string, number], KeyRow>(
    `SELECT ${joinedKeyColumns} FROM stream_tokens t
     JOIN api_keys k ON k.id = t.key_id WHERE t.token_hash = ? AND t.expires_at > ? AND k.revoked_at IS NULL`,
  )
  const bySession = db.prepare<[string, number], KeyRow & { session_expires_at: number }>(
    `SELECT ${joinedKeyColumns}, s.expires_at AS session_expires_at FROM sessions s
     JOIN api_keys k ON k.id = s.key_id WHERE s.token_hash = ? AND s.expires_at > ? AND k.revoked_at IS NULL`,
  )
  const all = db.prepare<[], KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`)
  const ofOrg = db.prepare<[string], KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE org_id = ? ORDER BY created_at, id`,
  )

  return {
    ensureOrg: (orgId) => writer.ensureOrg(orgId),
    async countActive() {
      return (countActive.get() as { n: number }).n
    },
    async insert(key: NewApiKey) {
      await writer.insertKey(key)
      return toKeyRecord(byId.get(key.id) as KeyRow)
    },
    async findByHash(keyHash) {
      const row = byHash.get(keyHash)
      return row && toKeyRecord(row)
    },
    async get(id, orgId) {
      const row = byId.get(id)
      return row && (orgId === undefined || row.org_id === orgId) ? toKeyRecord(row) : undefined
    },
    async list(orgId) {
      return (orgId === undefined ? all.all() : ofOrg.all(orgId)).map(toKeyRecord)
    },
    revoke: (id, orgId) => writer.revokeKey(id, orgId ?? null),
    touch: (id, at) => writer.touchKey(id, at),
    insertStreamToken: (token, now) => writer.insertStreamToken(token, now),
    async findStreamToken(tokenHash, now) {
      const row = byStreamToken.get(tokenHash, now)
      return row && toKeyRecord(row)
    },
    insertSession: (session, now) => writer.insertSession(session, now),
    async findSession(tokenHash, now) {
      const row = bySession.get(tokenHash, now)
      if (!row) return undefined
      const { session_expires_at: expiresAt, ...key } = row
      return { key: toKeyRecord(key), expiresAt }
    },
    deleteSession: (tokenHash) => writer.deleteSession(tokenHash),
  }
}
