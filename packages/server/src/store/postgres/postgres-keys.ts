import type pg from 'pg'
import type { IdempotencyStore, KeyStore } from '../store.js'
import { KEY_COLUMNS, toKeyRecord } from '../key-row.js'
import type { KeyRow } from '../key-row.js'

export function createPostgresKeys(pool: pg.Pool): KeyStore {
  const one = async (sql: string, params: unknown[]) =>
    (await pool.query<KeyRow>(sql, params)).rows[0]
  const joinedKeyColumns = KEY_COLUMNS.split(',')
    .map((c) => `k.${c.trim()}`)
    .join(', ')
  return {
    async ensureOrg(orgId) {
      await pool.query(
        'INSERT INTO orgs (id, name, created_at) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING',
        [orgId, Date.now()],
      )
    },
    async countActive() {
      return Number(
        (
          await pool.query<{ n: string }>(
            'SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL',
          )
        ).rows[0]?.n ?? 0,
      )
    },
    async insert(key) {
      const createdAt = Date.now()
      await pool.query(
        'INSERT INTO orgs (id, name, created_at) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING',
        [key.orgId, createdAt],
      )
      const row = await one(
        `INSERT INTO api_keys (id, org_id, name, description, key_hash, key_prefix, scopes, created_at, rotated_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${KEY_COLUMNS}`,
        [
          key.id,
          key.orgId,
          key.name,
          key.description,
          key.keyHash,
          key.keyPrefix,
          JSON.stringify(key.scopes),
          createdAt,
          key.rotatedFrom,
        ],
      )
      return toKeyRecord(row as KeyRow)
    },
    async findByHash(keyHash) {
      const { rows } = await pool.query<KeyRow>({
        name: 'key-by-hash',
        text: `SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
        values: [keyHash],
      })
      const row = rows[0]
      return row && toKeyRecord(row)
    },
    async get(id, orgId) {
      const row = await one(
        `SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1 AND ($2::text IS NULL OR org_id = $2)`,
        [id, orgId ?? null],
      )
      return row && toKeyRecord(row)
    },
    async list(orgId) {
      const { rows } = await pool.query<KeyRow>(
        `SELECT ${KEY_COLUMNS} FROM api_keys WHERE ($1::text IS NULL OR org_id = $1) ORDER BY created_at, id`,
        [orgId ?? null],
      )
      return rows.map(toKeyRecord)
    },
    async revoke(id, orgId) {
      const result = await pool.query(
        'UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR org_id = $2)',
        [id, orgId ?? null, Date.now()],
      )
      return result.rowCount === 1
    },
    async touch(id, at) {
      await pool.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [id, at])
    },
    async insertStreamToken(token, now) {
      await pool.query(
        `WITH gone AS (DELETE FROM stream_tokens WHERE expires_at < $4)
         INSERT INTO stream_tokens (token_hash, key_id, expires_at) VALUES ($1, $2, $3)`,
        [token.tokenHash, token.keyId, token.expiresAt, now],
      )
    },
    async findStreamToken(tokenHash, now) {
      const row = await one(
        `SELECT ${joinedKeyColumns} FROM stream_tokens t
         JOIN api_keys k ON k.id = t.key_id WHERE t.token_hash = $1 AND t.expires_at > $2 AND k.revoked_at IS NULL`,
        [tokenHash, now],
      )
      return row && toKeyRecord(row)
    },
    ...createPostgresSessions(pool, joinedKeyColumns),
  }
}

/** Dashboard sessions (`sessions`, migration 012); expired rows go when a new one is made. */
function createPostgresSessions(
  pool: pg.Pool,
  joinedKeyColumns: string,
): Pick<KeyStore, 'insertSession' | 'findSession' | 'deleteSession'> {
  return {
    async insertSession(session, now) {
      await pool.query(
        `WITH gone AS (DELETE FROM sessions WHERE expires_at < $4)
         INSERT INTO sessions (token_hash, key_id, created_at, expires_at) VALUES ($1, $2, $4, $3)`,
        [session.tokenHash, session.keyId, session.expiresAt, now],
      )
    },
    async findSession(tokenHash, now) {
      const { rows } = await pool.query<KeyRow & { session_expires_at: string }>({
        name: 'session-by-hash',
        text: `SELECT ${joinedKeyColumns}, s.expires_at AS session_expires_at FROM sessions s
         JOIN api_keys k ON k.id = s.key_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND k.revoked_at IS NULL`,
        values: [tokenHash, now],
      })
      const row = rows[0]
      if (!row) return undefined
      const { session_expires_at: expiresAt, ...key } = row
      return { key: toKeyRecord(key), expiresAt: Number(expiresAt) }
    },
    async deleteSession(tokenHash) {
      const result = await pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
      return result.rowCount === 1
    },
  }
}

export function createPostgresIdempotency(pool: pg.Pool): IdempotencyStore {
  return {
    async claim(orgId, key, requestHash, ids, now, ttlMs) {
      // Insert, or take over an expired claim, in one statement; a live claim is left alone.
      const won = await pool.query(
        `INSERT INTO idempotency_keys (org_id, key, request_hash, ids, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (org_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, ids = EXCLUDED.ids, created_at = EXCLUDED.created_at
         WHERE idempotency_keys.created_at <= $6 RETURNING 1`,
        [orgId, key, requestHash, JSON.stringify(ids), now, now - ttlMs],
      )
      if (won.rowCount === 1) return { state: 'new', ids }
      const { rows } = await pool.query<{ request_hash: string; ids: string }>(
        'SELECT request_hash, ids FROM idempotency_keys WHERE org_id = $1 AND key = $2',
        [orgId, key],
      )
      const row = rows[0]
      if (!row || row.request_hash !== requestHash) return { state: 'mismatch' }
      return { state: 'replay', ids: JSON.parse(row.ids) as string[] }
    },
    async lookup(orgId, key, requestHash, now, ttlMs) {
      const { rows } = await pool.query<{ request_hash: string; ids: string }>(
        // Live under the same rule as `claim`: a claim at or before now - ttl may be taken over.
        'SELECT request_hash, ids FROM idempotency_keys WHERE org_id = $1 AND key = $2 AND created_at > $3',
        [orgId, key, now - ttlMs],
      )
      const row = rows[0]
      if (!row) return undefined
      if (row.request_hash !== requestHash) return { state: 'mismatch' }
      return { state: 'replay', ids: JSON.parse(row.ids) as string[] }
    },
    async purge(before) {
      return (
        (await pool.query('DELETE FROM idempotency_keys WHERE created_at < $1', [before]))
          .rowCount ?? 0
      )
    },
  }
}
