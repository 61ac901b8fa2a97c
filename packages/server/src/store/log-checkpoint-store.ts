/**
 * Signed checkpoints of the per-org Merkle logs and the history of the key that signs them
 * (migrations sqlite 014, postgres 015). The checkpoint job (jobs/checkpoints.ts) writes them; the
 * log routes and the verifiable export read them.
 */
export interface LogCheckpointStore {
  /** Every signing key the server has had, oldest first. */
  keys(): Promise<LogKeyRecord[]>
  /** The current signing key; throws when there is none (before `adoptKey`). */
  currentKey(): Promise<LogKeyRecord>
  /**
   * On start: records `key` as the current key when there is none (the first start), in one
   * statement, so of several servers starting together one key wins. Answers the current key.
   */
  adoptKey(key: NewLogKey, now: number): Promise<LogKeyRecord>
  /**
   * Retires the current key `from` at `at` (its `not_after`) and makes `to` current from `at`, in
   * one transaction. False when `from` is not the current key (another rotation came first).
   */
  rotateKey(from: string, to: NewLogKey, at: number): Promise<boolean>
  /** The org's newest checkpoint. */
  latest(orgId: string): Promise<LogCheckpoint | undefined>
  /** The newest checkpoint of exactly `size` leaves. */
  atSize(orgId: string, size: number): Promise<LogCheckpoint | undefined>
  /** Checkpoints in signing order, after number `afterN` (0: from the first), at most `limit`. */
  list(
    orgId: string,
    page: { afterN: number; minSize?: number; limit: number },
  ): Promise<LogCheckpoint[]>
  /**
   * Appends checkpoints, each as its org's next one (number `afterN + 1`), in one transaction: one
   * commit for a whole pass of the checkpoint job. Answers, in order, false for a checkpoint whose
   * `afterN` is no longer its org's newest number (another signer came first): that one is not
   * written, the others are.
   */
  append(items: ReadonlyArray<{ checkpoint: NewLogCheckpoint; afterN: number }>): Promise<boolean[]>
  /**
   * Orgs with a log whose size is past their newest checkpoint's, or whose newest checkpoint was
   * signed at or before `heartbeatBefore` (Unix ms), or that have none.
   */
  due(heartbeatBefore: number): Promise<string[]>
}

export interface NewLogKey {
  /** Hex SHA-256 of the raw public key. */
  fingerprint: string
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Buffer
}

export interface LogKeyRecord extends NewLogKey {
  algorithm: 'ed25519'
  /** Unix ms. */
  notBefore: number
  /** Unix ms; null while the key is current. */
  notAfter: number | null
}

export type CheckpointKind = 'growth' | 'heartbeat'

export interface NewLogCheckpoint {
  orgId: string
  size: number
  root: Buffer
  /** The signed note (C2SP tlog-checkpoint body and its signature lines). */
  note: string
  /** Unix ms, a whole second: the time its cosignature carries. */
  createdAt: number
  kind: CheckpointKind
  keyFingerprint: string
}

export interface LogCheckpoint extends NewLogCheckpoint {
  /** 1, 2, ... per org, in signing order. */
  n: number
}

/** Columns of `log_checkpoints` as both drivers return them (PostgreSQL bigints as strings). */
export interface CheckpointRow {
  org_id: string
  n: number | string
  size: number | string
  root: Uint8Array
  note: string
  created_at: number | string
  kind: CheckpointKind
  key_fingerprint: string
}

export interface LogKeyRow {
  fingerprint: string
  public_key: Uint8Array
  algorithm: 'ed25519'
  not_before: number | string
  not_after: number | string | null
}

export function rowToCheckpoint(row: CheckpointRow): LogCheckpoint {
  return {
    orgId: row.org_id,
    n: Number(row.n),
    size: Number(row.size),
    root: Buffer.from(row.root),
    note: row.note,
    createdAt: Number(row.created_at),
    kind: row.kind,
    keyFingerprint: row.key_fingerprint,
  }
}

export function rowToLogKey(row: LogKeyRow): LogKeyRecord {
  return {
    fingerprint: row.fingerprint,
    publicKey: Buffer.from(row.public_key),
    algorithm: row.algorithm,
    notBefore: Number(row.not_before),
    notAfter: row.not_after === null ? null : Number(row.not_after),
  }
}
