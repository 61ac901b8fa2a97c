import pg from 'pg'
import type { Enforcement } from '../../control/enforcement.js'
import { microsToUsd } from '@agenttrail/protocol'
import type { EventRow } from '../event-row.js'
import { rowToEvent } from '../event-row.js'
import { guard, guardAll } from '../guard.js'
import type { AgentSummary, Store } from '../store.js'
import { appendInTransaction, appendPostgres } from './postgres-append.js'
import { erasePostgres } from './postgres-erase.js'
import { createPostgresIdempotency, createPostgresKeys } from './postgres-keys.js'
import { createPostgresLeadership } from './postgres-leadership.js'
import { migratePostgres } from './postgres-migrate.js'
import { createPostgresOrgRoster } from './postgres-org-roster.js'
import { createPostgresOrgSettings } from './postgres-org-settings.js'
import { createPostgresRateLimiter } from './postgres-rate-limiter.js'
import { SELECT_EVENT, countPostgres, queryPostgres } from './postgres-query.js'
import { statsPostgres } from './postgres-stats.js'
import { indexPostgresSearch } from './postgres-search-index.js'
import { createPostgresConversations } from './postgres-conversations.js'
import { createPostgresControl } from './postgres-control.js'
import { newControlsCache } from './postgres-control-ops.js'
import { createPostgresNotify } from './postgres-notify.js'
import { createPostgresAlerts } from './postgres-alerts.js'
import { createPostgresCommitFeed } from './postgres-commit-feed.js'
import { createPostgresEvaluations } from './postgres-evaluations.js'
import { createPostgresX402 } from './postgres-x402.js'
import { createPostgresLogCheckpoints } from './postgres-log-checkpoints.js'
import { withLeaves } from '../log-append.js'
import { createPostgresLogReads } from './postgres-log-reads.js'
import { backfillPostgresLog } from './postgres-log-writes.js'

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string
  /** Connections in the pool. Default 10. */
  poolSize?: number
  /**
   * The control plane's step that appends and checks run in their transactions (control/engine.ts
   * `enforcement`, passed by the composition root).
   */
  enforce: Enforcement
  /** How often live streams' fallback poll re-reads the orgs' last seq. Default 3,000 ms. */
  streamPollMs?: number
  /**
   * Keep the per-org Merkle log in the append path. Default true. False only for the ingest
   * benchmark's baseline (bench/ab-integrity.js): the log then trails the trail, and the next
   * append or start with it builds the missing leaves from the stored events.
   */
  log?: boolean
}

interface AgentRow {
  name: string
  environment: string
  status: AgentSummary['status']
  first_seen: string
  last_seen: string
  events: string
  errors: string
  tokens_total: string
  cost_micros: string
}

/**
 * The production store: PostgreSQL through a connection pool, shared by any number of server
 * processes. Everything that must agree across processes lives in the database: sequence counters
 * (row locks), rollups (in the append transaction), idempotency claims (one upsert).
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 })
  // Writes that need no fsync have their own small pool that says so: rate-limit buckets (see
  // postgres-rate-limiter.ts), and delivery claims and outcomes (see postgres-notify.ts).
  const noFsyncPool = new pg.Pool({
    connectionString: options.url,
    max: 4,
    options: '-c synchronous_commit=off',
  })
  for (const p of [pool, noFsyncPool]) p.on('error', () => undefined) // an idle client's error; the next query reports it
  await migratePostgres(pool)
  const controls = newControlsCache()
  const log = options.log ?? true
  // Orgs with events from before the log: their leaves, before this server appends.
  if (log)
    // Inside the backfill's transaction, without the log: the backfill appends the leaves.
    await backfillPostgresLog(pool, (client, items) =>
      appendInTransaction(client, items, controls, options.enforce, false),
    )
  const leadership = createPostgresLeadership(options.url)
  const commits = createPostgresCommitFeed({
    url: options.url,
    pool,
    ...(options.streamPollMs !== undefined && { pollMs: options.streamPollMs }),
  })

  return {
    dialect: 'postgres',
    events: {
      append: guard('events.append', async (items) => {
        // The leaves' commitments and JCS text, before the transaction: it only finishes them.
        const prepared = log ? withLeaves(items) : items
        const client = await pool.connect()
        try {
          return await appendPostgres(client, prepared, controls, options.enforce, log)
        } finally {
          client.release()
        }
      }),
      get: guard('events.get', async (orgId: string, id: string) => {
        const { rows } = await pool.query<EventRow>(
          `${SELECT_EVENT} WHERE e.org_id = $1 AND e.id = $2`,
          [orgId, id],
        )
        return rows[0] && rowToEvent(rows[0])
      }),
      since: guard('events.since', async (orgId: string, afterSeq: number, limit: number) => {
        const { rows } = await pool.query<EventRow>(
          `${SELECT_EVENT} WHERE e.org_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
          [orgId, afterSeq, limit],
        )
        return rows.map(rowToEvent)
      }),
      head: guard('events.head', async (orgId: string) => {
        const { rows } = await pool.query<{ seq: string }>(
          'SELECT next_seq - 1 AS seq FROM orgs WHERE id = $1',
          [orgId],
        )
        return rows[0] ? Number(rows[0].seq) : 0
      }),
      query: guard('events.query', (orgId, filter, page) =>
        queryPostgres(pool, orgId, filter, page),
      ),
      count: guard('events.count', (orgId, filter) => countPostgres(pool, orgId, filter)),
      stats: guard('events.stats', (orgId, query) => statsPostgres(pool, orgId, query)),
      agents: guard(
        'events.agents',
        async (orgId: string, filter: { environment?: string; name?: string }) => {
          const { rows } = await pool.query<AgentRow>(
            `SELECT name, environment, status, first_seen, last_seen, events, errors, tokens_total, cost_micros FROM agents
           WHERE org_id = $1 AND ($2::text IS NULL OR environment = $2) AND ($3::text IS NULL OR name = $3)
           ORDER BY last_seen DESC, name`,
            [orgId, filter.environment ?? null, filter.name ?? null],
          )
          return rows.map((row) => ({
            name: row.name,
            environment: row.environment,
            status: row.status,
            first_seen: new Date(Number(row.first_seen)).toISOString(),
            last_seen: new Date(Number(row.last_seen)).toISOString(),
            events: Number(row.events),
            errors: Number(row.errors),
            tokens_total: Number(row.tokens_total),
            cost_usd: microsToUsd(Number(row.cost_micros)),
          }))
        },
      ),
      // The search index follows the append (ADR 0012), moved on by the catch-up job of every
      // server process; searches match what it has not reached directly.
      indexPending: guard('events.indexPending', (maxEvents: number = 2_000) =>
        indexPostgresSearch(pool, maxEvents),
      ),
      // Rollups are written in the append transaction: nothing trails.
      rollPending: async () => 0,
      erase: guard('events.erase', async (orgId, range, record) => {
        const client = await pool.connect()
        try {
          return await erasePostgres(client, orgId, range, record, controls, options.enforce)
        } finally {
          client.release()
        }
      }),
      oldest: guard('events.oldest', async (orgId: string) => {
        const { rows } = await pool.query<{ ts: string | null }>(
          "SELECT min(ts) AS ts FROM events WHERE org_id = $1 AND kind <> 'audit'",
          [orgId],
        )
        return rows[0]?.ts == null ? undefined : Number(rows[0].ts)
      }),
    },
    keys: guardAll('keys', createPostgresKeys(pool)),
    idempotency: guardAll('idempotency', createPostgresIdempotency(pool)),
    conversations: guardAll('conversations', createPostgresConversations(pool)),
    control: guardAll('control', createPostgresControl(pool, controls, options.enforce)),
    notify: guardAll('notify', createPostgresNotify(pool, noFsyncPool)),
    alerts: guardAll('alerts', createPostgresAlerts(pool, controls, options.enforce)),
    evaluations: guardAll('evaluations', createPostgresEvaluations(pool)),
    x402: guardAll('x402', createPostgresX402(pool)),
    orgs: guardAll('orgs', {
      ...createPostgresOrgSettings(pool),
      ...createPostgresOrgRoster(pool),
    }),
    log: guardAll('log', createPostgresLogReads(pool)),
    rateLimiter: (options) => createPostgresRateLimiter(noFsyncPool, options),
    ping: guard('ping', async () => {
      await pool.query('SELECT count(*) FROM orgs')
    }),
    tryLead: guard('tryLead', leadership.tryLead),
    commits,
    checkpoints: guardAll('checkpoints', createPostgresLogCheckpoints(pool)),
    close: async () => {
      await Promise.all([commits.close(), leadership.close(), pool.end(), noFsyncPool.end()])
    },
  }
}
