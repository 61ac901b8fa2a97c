import type Database from 'better-sqlite3'
import { withoutFsync } from './sqlite-db.js'
import type { Erasure } from '../tombstone.js'
import type { Enforcement } from '../../control/enforcement.js'
import type {
  AppendItem,
  AppendOutcome,
  IdempotencyClaim,
  NewApiKey,
  NewStreamToken,
} from '../store.js'
import { createSqliteAgentWrites } from './sqlite-agent-writes.js'
import { createSqliteAlertWrites } from './sqlite-alert-writes.js'
import { createSqliteAppender } from './sqlite-append.js'
import { createSqliteControlOps } from './sqlite-control-ops.js'
import { createSqliteControlWrites } from './sqlite-control-writes.js'
import { createSqliteErase } from './sqlite-erase.js'
import { createSqliteEvaluationWrites } from './sqlite-evaluations.js'
import { createSqliteFtsIndexer } from './sqlite-fts.js'
import { createSqliteLogCheckpointWrites } from './sqlite-log-checkpoints.js'
import { createSqliteOrgWrites } from './sqlite-org-writes.js'
import { createSqliteNotifyWrites } from './sqlite-notify-writes.js'
import { createSqliteRollupFold } from './sqlite-rollup-fold.js'
import { createSqliteRoller } from './sqlite-rollups.js'
import { createSqliteSessionWrites } from './sqlite-session-writes.js'
import { createSqliteX402Writes } from './sqlite-x402.js'

/**
 * Every write the embedded store makes, as synchronous functions on one connection. They run either
 * on the caller's thread (`:memory:` databases, tests) or in the writer thread
 * (`sqlite-writer-worker.ts`), which keeps commits and their fsyncs off the event loop. `enforce` is
 * the control plane's step that appends and checks run in their transactions; `log` false leaves
 * the Merkle log out of appends (the benchmark's baseline only).
 */
export function createSqliteWrites(db: Database.Database, enforce: Enforcement, log = true) {
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  const insertKey = db.prepare(
    `INSERT INTO api_keys (id, org_id, name, description, key_hash, key_prefix, scopes, created_at, rotated_from)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const revokeKey = db.prepare(
    'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND (? IS NULL OR org_id = ?)',
  )
  const touchKey = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?')
  const dropStreamTokens = db.prepare('DELETE FROM stream_tokens WHERE expires_at < ?')
  const insertStreamToken = db.prepare(
    'INSERT INTO stream_tokens (token_hash, key_id, expires_at) VALUES (?, ?, ?)',
  )
  const findClaim = db.prepare<
    [string, string],
    { request_hash: string; ids: string; created_at: number }
  >('SELECT request_hash, ids, created_at FROM idempotency_keys WHERE org_id = ? AND key = ?')
  const upsertClaim = db.prepare(
    `INSERT INTO idempotency_keys (org_id, key, request_hash, ids, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET request_hash = excluded.request_hash, ids = excluded.ids, created_at = excluded.created_at`,
  )
  const purgeClaims = db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?')
  const backlog = db.prepare<[], { n: number }>(
    "SELECT coalesce((SELECT max(rowid) FROM events), 0) - min(value) AS n FROM meta WHERE key IN ('fts_indexed_rowid', 'rollup_rowid')",
  )

  const control = createSqliteControlOps(db)
  const fold = createSqliteRollupFold(db)
  const append = createSqliteAppender(db, control, enforce, log, fold.add)
  const indexFts = createSqliteFtsIndexer(db)
  const roll = createSqliteRoller(db)
  // Derived data needs no fsync of its own: a crash before the next durable commit only loses work
  // that is redone from its cursor, which moves in the same transaction. Appends stay FULL.
  const derived = <T>(fn: () => T): T => withoutFsync(db, fn)
  const indexPending = (maxEvents: number) => derived(() => indexFts(maxEvents))
  // The fold when it holds the events past the cursor, else the roller from the cursor.
  const rollPending = (maxEvents: number) =>
    derived(() => {
      const written = fold.write()
      return written > 0 ? written : roll(maxEvents)
    })
  const erase = createSqliteErase(db, append)
  // Read the claim and write a new one when none is live, in one transaction: atomic.
  const claim = db.transaction(
    (
      orgId: string,
      key: string,
      requestHash: string,
      ids: string[],
      now: number,
      ttlMs: number,
    ): IdempotencyClaim => {
      const row = findClaim.get(orgId, key)
      if (row && row.created_at > now - ttlMs) {
        if (row.request_hash !== requestHash) return { state: 'mismatch' }
        return { state: 'replay', ids: JSON.parse(row.ids) as string[] }
      }
      upsertClaim.run(orgId, key, requestHash, JSON.stringify(ids), now)
      return { state: 'new', ids }
    },
  )

  const writes = {
    // Writes of other features live in their own files and are listed here.
    ...createSqliteOrgWrites(db),
    // Erasure subtracts what the rollups hold of the erased events: the fold is written first.
    eraseEvents: (...args: Parameters<typeof erase.eraseEvents>): Erasure => {
      rollPending(0)
      return erase.eraseEvents(...args)
    },
    ...createSqliteAgentWrites(db),
    ...createSqliteControlWrites(db, control, append, enforce),
    ...createSqliteNotifyWrites(db),
    ...createSqliteAlertWrites(db, append),
    ...createSqliteEvaluationWrites(db),
    ...createSqliteSessionWrites(db),
    ...createSqliteX402Writes(db),
    ...createSqliteLogCheckpointWrites(db),
    append: (items: readonly AppendItem[]): AppendOutcome[] => append(items),
    indexPending: (maxEvents: number): number => indexPending(maxEvents),
    rollPending: (maxEvents: number): number => rollPending(maxEvents),
    /** `rollPending` when the fold is due (sqlite-rollup-fold.ts): the writer's idle turns. */
    rollDue: (maxEvents: number): number => (fold.due(Date.now()) ? rollPending(maxEvents) : 0),
    /** Events appended that the rollups or the full-text index have not reached yet. */
    backlog: (): number => (backlog.get() as { n: number }).n,
    claim: (
      orgId: string,
      key: string,
      requestHash: string,
      ids: string[],
      now: number,
      ttlMs: number,
    ): IdempotencyClaim => claim(orgId, key, requestHash, ids, now, ttlMs),
    purgeClaims: (before: number): number => purgeClaims.run(before).changes,
    ensureOrg: (orgId: string): void => {
      ensureOrg.run(orgId, orgId, Date.now())
    },
    insertKey: (key: NewApiKey): void => {
      const createdAt = Date.now()
      ensureOrg.run(key.orgId, key.orgId, createdAt)
      insertKey.run(
        key.id,
        key.orgId,
        key.name,
        key.description,
        key.keyHash,
        key.keyPrefix,
        JSON.stringify(key.scopes),
        createdAt,
        key.rotatedFrom,
      )
    },
    revokeKey: (id: string, orgId: string | null): boolean =>
      revokeKey.run(Date.now(), id, orgId, orgId).changes === 1,
    touchKey: (id: string, at: number): void => {
      touchKey.run(at, id)
    },
    insertStreamToken: (token: NewStreamToken, now: number): void =>
      db.transaction(() => {
        dropStreamTokens.run(now)
        insertStreamToken.run(token.tokenHash, token.keyId, token.expiresAt)
      })(),
    /** Checkpoints and truncates the write-ahead log once it is over 64 MiB. */
    checkpointIfLarge: (): void => {
      const [status] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{
        log: number
        checkpointed: number
      }>
      if (status && status.log * 4096 > 64 * 2 ** 20) db.pragma('wal_checkpoint(TRUNCATE)')
    },
  }
  // A write that failed rolled its transaction back, and with it any rows the fold counted. The
  // ones that never append or erase are left out: a checkpoint refused while readers are busy, say,
  // must not throw the fold away.
  const neverAppends = new Set(['checkpointIfLarge', 'backlog', 'claim', 'indexPending'])
  for (const [name, fn] of Object.entries(writes) as Array<[string, (...a: unknown[]) => unknown]>)
    if (!neverAppends.has(name))
      (writes as Record<string, unknown>)[name] = (...args: unknown[]) => {
        try {
          return fn(...args)
        } catch (error) {
          fold.discard()
          throw error
        }
      }
  return writes
}

export type SqliteWrites = ReturnType<typeof createSqliteWrites>
export type WriteOp = keyof SqliteWrites
