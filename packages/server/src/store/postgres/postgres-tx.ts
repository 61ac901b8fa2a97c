import type pg from 'pg'

/** The org row's counters as read under its lock. */
export interface LockedOrg {
  /** The seq the org's next new event gets. */
  nextSeq: number
  /** Moves on with every change to what decides (control/engine.ts caches by it). */
  controlVersion: number
  /** Moves on with every change to the org's subscriptions (the outbox caches the topics by it). */
  notifyVersion: number
  /** The org's Merkle log: its size and right edge (null while it has no leaf; log-append.ts). */
  logSize: number
  logFrontier: Buffer | null
}

export interface TransactionOptions {
  /** Default the server's (READ COMMITTED): every statement sees what committed before it. */
  isolation?: 'repeatable read' | 'serializable'
  /** Declares the transaction read-only. Default false. */
  readOnly?: boolean
  /**
   * Locks this org's row before `work` runs (see `lockOrg`) and hands `work` its counters, so the
   * transaction serializes with the org's appends and control changes in every server process.
   */
  lockOrg?: string
  /** With `lockOrg`: create the org's row when it has none. Default true. */
  createOrg?: boolean
}

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (the
 * work's error is what the caller sees, never the rollback's). Given a pool, it takes a client for
 * the transaction and gives it back; given a client, it uses it. Errors leave unwrapped: the
 * store's `guard` names the operation at the boundary. No retry: nothing here runs SERIALIZABLE
 * read-write, so no transaction can fail with a serialization error.
 */
export async function withTransaction<T>(
  db: pg.Pool | pg.PoolClient,
  work: (client: pg.PoolClient, org: LockedOrg | undefined) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const own = !isClient(db)
  const client = own ? await db.connect() : db
  try {
    await client.query(beginStatement(options))
    try {
      const org =
        options.lockOrg === undefined
          ? undefined
          : await lockOrg(client, options.lockOrg, options.createOrg ?? true)
      const result = await work(client, org)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    }
  } finally {
    if (own) client.release()
  }
}

/**
 * Locks the org's row (`FOR UPDATE`) until the transaction ends: the one lock that appends,
 * deletes, settings changes and control decisions of an org take, so they run one at a time across
 * server processes. Creates the row when it is missing and `create` holds; undefined when there is
 * no row and none was created. One round trip when the row exists. In READ COMMITTED a lock that
 * waited reads the row as the transaction it waited for committed it, so the counters and the log
 * head it returns are the latest.
 */
export async function lockOrg(
  client: pg.PoolClient,
  orgId: string,
  create = true,
): Promise<LockedOrg | undefined> {
  const lock = {
    name: 'lock-org',
    text: 'SELECT next_seq, control_version, notify_version, log_size, log_frontier FROM orgs WHERE id = $1 FOR UPDATE',
    values: [orgId],
  }
  type Row = {
    next_seq: string
    control_version: string
    notify_version: string
    log_size: string
    log_frontier: Buffer | null
  }
  let { rows } = await client.query<Row>(lock)
  if (rows.length === 0 && create) {
    await client.query(
      'INSERT INTO orgs (id, name, created_at) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING',
      [orgId, Date.now()],
    )
    ;({ rows } = await client.query<Row>(lock))
  }
  const row = rows[0]
  return (
    row && {
      nextSeq: Number(row.next_seq),
      controlVersion: Number(row.control_version),
      notifyVersion: Number(row.notify_version),
      logSize: Number(row.log_size),
      logFrontier: row.log_frontier,
    }
  )
}

function beginStatement({ isolation, readOnly }: TransactionOptions): string {
  let sql = 'BEGIN'
  if (isolation !== undefined) sql += ` ISOLATION LEVEL ${isolation.toUpperCase()}`
  if (readOnly === true) sql += ' READ ONLY'
  return sql
}

/** A pool client has `release`; a pool does not. */
function isClient(db: pg.Pool | pg.PoolClient): db is pg.PoolClient {
  return typeof (db as Partial<pg.PoolClient>).release === 'function'
}
