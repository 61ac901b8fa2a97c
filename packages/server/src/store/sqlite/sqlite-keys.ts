import type Database from 'better-sqlite3'
import type { ApiKeyRecord, KeyStore, NewApiKey, Scope } from '../store.js'
import type { SqliteWriter } from './sqlite-writer.js'

interface KeyRow {
  id: string
  org_id: string
  name: string
  description: string | null
  key_prefix: string
  scopes: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
  rotated_from: string | null
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    ...row,
    scopes: JSON.parse(row.scopes) as Scope[],
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
  }
}

const COLUMNS = 'id, org_id, name, description, key_prefix, scopes, created_at, last_used_at, revoked_at, rotated_from'

/** Key reads on the reading connection; writes go through the writer. */
export function createSqliteKeys(db: Database.Database, writer: SqliteWriter): KeyStore {
  const countActive = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL')
  const byHash = db.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL`)
  const byId = db.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`)
  const all = db.prepare<[], KeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`)
  const ofOrg = db.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE org_id = ? ORDER BY created_at, id`)

  return {
    ensureOrg: (orgId) => writer.ensureOrg(orgId),
    async countActive() {
      return (countActive.get() as { n: number }).n
    },
    async insert(key: NewApiKey) {
      await writer.insertKey(key)
      return toRecord(byId.get(key.id) as KeyRow)
    },
    async findByHash(keyHash) {
      const row = byHash.get(keyHash)
      return row && toRecord(row)
    },
    async get(id, orgId) {
      const row = byId.get(id)
      return row && (orgId === undefined || row.org_id === orgId) ? toRecord(row) : undefined
    },
    async list(orgId) {
      return (orgId === undefined ? all.all() : ofOrg.all(orgId)).map(toRecord)
    },
    revoke: (id, orgId) => writer.revokeKey(id, orgId ?? null),
    touch: (id, at) => writer.touchKey(id, at),
  }
}
