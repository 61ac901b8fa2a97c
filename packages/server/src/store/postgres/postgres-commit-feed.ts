import pg from 'pg'
import type { CommitFeed } from '../commit-feed.js'
import { createLocalCommitFeed } from '../commit-feed.js'

/** The channel on which appends announce `<org_id>:<seq>`: never rows, only where to read from. */
export const COMMIT_CHANNEL = 'agenttrail_events'

/*
 * The append announces, inside its transaction, that the org has events up to a seq, in the
 * statement that moves the org's counter on (postgres-append.ts, ADVANCE_SEQ): PostgreSQL delivers
 * it at commit and drops it on rollback (https://www.postgresql.org/docs/current/sql-notify.html).
 * Once per org per append, so a group commit costs one notification per org, not one per event.
 */

export interface PostgresCommitFeedOptions {
  url: string
  /** Reads the orgs' last committed seq for the fallback poll. */
  pool: pg.Pool
  /** How often the fallback poll runs while someone listens. Default 3,000 ms. */
  pollMs?: number
}

/**
 * The commit feed of a PostgreSQL server: ONE dedicated connection per process LISTENs on
 * {@link COMMIT_CHANNEL}, opened when the first listener subscribes (it must not be a
 * transaction-pooled PgBouncer connection). A lost connection is reopened by the next poll tick;
 * the poll, which runs only while someone listens, re-reads `orgs.next_seq` of the watched orgs and
 * signals any that moved, covering notifications sent while the connection was down.
 */
export function createPostgresCommitFeed(
  options: PostgresCommitFeedOptions,
): CommitFeed & { close(): Promise<void> } {
  const pollMs = options.pollMs ?? 3_000
  const local = createLocalCommitFeed()
  // The highest seq signalled per org, so a poll signals only what moved.
  const known = new Map<string, number>()
  let listener: Promise<pg.Client> | undefined
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const signal = (orgId: string, seq: number) => {
    if (seq <= (known.get(orgId) ?? -1)) return
    known.set(orgId, seq)
    local.emit(orgId, seq)
  }

  const listen = () => {
    if (listener || closed) return
    const client = new pg.Client({
      connectionString: options.url,
      application_name: 'agenttrail-stream',
    })
    const opened = client
      .connect()
      .then(() => client.query(`LISTEN ${COMMIT_CHANNEL}`))
      .then(() => client)
    const lost = () => {
      if (listener === opened) listener = undefined
      void client.end().catch(() => undefined)
    }
    client.on('notification', (n) => {
      const payload = n.payload ?? ''
      const at = payload.lastIndexOf(':')
      const seq = Number(payload.slice(at + 1))
      if (at > 0 && Number.isSafeInteger(seq)) signal(payload.slice(0, at), seq)
    })
    client.on('error', lost)
    client.on('end', lost)
    opened.catch(lost)
    listener = opened
  }

  const poll = async () => {
    listen()
    const orgs = local.orgs()
    if (orgs.length === 0) return
    const { rows } = await options.pool.query<{ id: string; seq: string }>(
      'SELECT id, next_seq - 1 AS seq FROM orgs WHERE id = ANY($1)',
      [orgs],
    )
    for (const row of rows) signal(row.id, Number(row.seq))
  }

  let everyOrg = 0
  const stopWhenIdle = () => {
    if (local.orgs().length > 0 || everyOrg > 0 || !timer) return
    clearInterval(timer)
    timer = undefined
  }

  return {
    subscribe(orgId, fn) {
      const unsubscribe = local.feed.subscribe(orgId, fn)
      listen()
      timer ??= setInterval(() => void poll().catch(() => undefined), pollMs).unref()
      return () => {
        unsubscribe()
        stopWhenIdle()
      }
    },
    subscribeAll(fn) {
      const unsubscribe = local.feed.subscribeAll(fn)
      everyOrg++
      listen()
      // The tick reopens a lost connection (it polls orgs only for per-org listeners).
      timer ??= setInterval(() => void poll().catch(() => undefined), pollMs).unref()
      return () => {
        unsubscribe()
        everyOrg--
        stopWhenIdle()
      }
    },
    async close() {
      closed = true
      if (timer) clearInterval(timer)
      timer = undefined
      const open = listener
      listener = undefined
      if (open) await open.then((c) => c.end()).catch(() => undefined)
    },
  }
}
