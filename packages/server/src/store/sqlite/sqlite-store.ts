import Database from 'better-sqlite3'
import type { Enforcement } from '../../control/enforcement.js'
import type { CheckInput, Decision } from '../../control/control-types.js'
import { createMemoryRateLimiter } from '../rate-limiter.js'
import { guard, guardAll } from '../guard.js'
import type { ErasureRecord } from '../tombstone.js'
import type { AgentSummary, AppendItem, DeleteRange, Store } from '../store.js'
import { withLeaves } from '../log-append.js'
import { createSqliteLogReads } from './sqlite-log-reads.js'
import { createSqliteLogWrites } from './sqlite-log-writes.js'
import { createSqliteAppender } from './sqlite-append.js'
import { microsToUsd } from '@agenttrail/protocol'
import { parseOrgSettings } from '../../orgs/org-settings.js'
import { createSqliteIdempotency } from './sqlite-idempotency.js'
import { createSqliteKeys } from './sqlite-keys.js'
import { createSqliteOrgReads } from './sqlite-org-reads.js'
import { migrateSqlite } from './sqlite-migrate.js'
import { openSqliteDb } from './sqlite-db.js'
import { inlineWriter, threadWriter } from './sqlite-writer.js'
import { createSqliteQuery } from './sqlite-query.js'
import { createSqliteStats } from './sqlite-stats.js'
import { createSqliteConversations } from './sqlite-conversations.js'
import { createSqliteControlReads } from './sqlite-control-reads.js'
import { createSqliteControlOps } from './sqlite-control-ops.js'
import { createSqliteNotifyReads } from './sqlite-notify-reads.js'
import { createSqliteAlertReads } from './sqlite-alert-reads.js'
import { createSqliteEvaluationReads } from './sqlite-evaluations.js'
import { createSqliteX402Reads } from './sqlite-x402.js'
import { createSqliteLogCheckpointReads } from './sqlite-log-checkpoints.js'
import { createBatcher } from '../../batcher.js'
import { createLocalCommitFeed } from '../commit-feed.js'
import type { EventRow } from '../event-row.js'
import { rowToEvent } from '../event-row.js'
import { signalCommits } from './sqlite-commit-signal.js'
import type { SettleItem } from '../subscription-rows.js'

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  path: string
  /**
   * Where writes run. `thread` (the default for files): a worker thread with its own connection,
   * so commits never block the event loop. `inline`: on the caller's thread (always for `:memory:`).
   */
  writer?: 'thread' | 'inline'
  /**
   * The control plane's step that appends and checks run in their transactions (control/engine.ts
   * `enforcement`, passed by the composition root).
   */
  enforce: Enforcement
  /**
   * Keep the per-org Merkle log in the append path. Default true. False only for the ingest
   * benchmark's baseline (bench/ab-integrity.js): a store opened without it leaves its log behind
   * the trail, which the next start with it builds from the stored events.
   */
  log?: boolean
}

interface AgentRow {
  name: string
  environment: string
  status: AgentSummary['status']
  first_seen: number
  last_seen: number
  events: number
  errors: number
  tokens_total: number
  cost_micros: number
}

/**
 * The embedded store: one SQLite file in WAL mode with `synchronous = FULL`, so a resolved append
 * has been fsynced. Reads run on this thread's connection; writes in the writer (see
 * `sqlite-writer.ts`). The group committer in front of `append` makes one transaction (and one
 * fsync) serve many requests.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const db = openSqliteDb(options.path)
  migrateSqlite(db)
  const log = options.log ?? true
  // Orgs with events from before the log: their leaves, before any new event needs its own (and a
  // tombstone, appended here, for seqs whose events were deleted before).
  if (log)
    createSqliteLogWrites(db).backfill(
      // Inside the backfill's transaction, without the log: the backfill appends the leaves.
      createSqliteAppender(db, createSqliteControlOps(db), options.enforce, false),
    )
  const commits = createLocalCommitFeed()
  const committedUpTo = db.prepare<[string], { seq: number }>(
    'SELECT next_seq - 1 AS seq FROM orgs WHERE id = ?',
  )
  // Every write that can append events signals the orgs it touched once it has committed.
  const writer = signalCommits(
    options.path === ':memory:' || options.writer === 'inline'
      ? inlineWriter(db, options.enforce, log)
      : threadWriter(options.path, options.enforce, log),
    (orgId) => commits.emit(orgId, committedUpTo.get(orgId)?.seq ?? 0),
  )
  const since = db.prepare<[string, number, number], EventRow>(
    'SELECT * FROM events WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ?',
  )

  // Attempts' outcomes share transactions, as appends and checks do.
  const settles = createBatcher(
    (items: readonly SettleItem[]) => writer.settleDeliveries(items),
    256,
  )
  // Checks share transactions (and fsyncs) as appends do: a decision is answered after its commit.
  const checks = createBatcher(
    (items: ReadonlyArray<{ orgId: string; input: CheckInput }>) => writer.controlCheck(items),
    256,
  )
  // The read side of the control plane's operations, on this connection: a check of an org with no
  // controls is answered from what is committed, without the writer (`Enforcement.free`).
  const controlReads = createSqliteControlOps(db)
  const alertReads = createSqliteAlertReads(db)
  // The built-in alert rules are created on an org's first use, once per process.
  const rulesReady = new Set<string>()
  const ensureRules = async (orgId: string) => {
    if (rulesReady.has(orgId)) return
    await writer.ensureAlertRules(orgId, Date.now())
    rulesReady.add(orgId)
  }
  const agentRow = db.prepare<[{ org: string; env: string; name: string }], { one: number }>(
    'SELECT 1 AS one FROM agents WHERE org_id = @org AND environment = @env AND name = @name',
  )
  const query = createSqliteQuery(db)
  const checkpointReads = createSqliteLogCheckpointReads(db)
  const stats = createSqliteStats(db)
  const ping = db.prepare('SELECT count(*) FROM orgs')
  const oldest = db.prepare<[string], { ts: number | null }>(
    "SELECT min(ts) AS ts FROM events WHERE org_id = ? AND kind <> 'audit'",
  )
  const orgSettings = db.prepare<[string], { settings: string }>(
    'SELECT settings FROM orgs WHERE id = ?',
  )
  const agentRows = db.prepare<
    [{ org: string; env: string | null; name: string | null }],
    AgentRow
  >(
    `SELECT name, environment, status, first_seen, last_seen, events, errors, tokens_total, cost_micros FROM agents
     WHERE org_id = @org AND (@env IS NULL OR environment = @env) AND (@name IS NULL OR name = @name) ORDER BY last_seen DESC, name`,
  )

  return {
    dialect: 'sqlite',
    events: {
      // The leaves' commitments and JCS text are computed here, on the event loop, so the writer's
      // transaction only finishes them (seq, receive time, control note) and hashes.
      append: guard('events.append', (items: readonly AppendItem[]) =>
        writer.append(log ? withLeaves(items) : items),
      ),
      get: guard('events.get', query.get),
      since: guard('events.since', (orgId: string, afterSeq: number, limit: number) =>
        since.all(orgId, afterSeq, limit).map(rowToEvent),
      ),
      head: guard('events.head', (orgId: string) => committedUpTo.get(orgId)?.seq ?? 0),
      query: guard('events.query', query.query),
      count: guard('events.count', query.count),
      stats: guard('events.stats', stats),
      agents: guard(
        'events.agents',
        (orgId: string, filter: { environment?: string; name?: string }) =>
          agentRows
            .all({ org: orgId, env: filter.environment ?? null, name: filter.name ?? null })
            .map((row) => ({
              name: row.name,
              environment: row.environment,
              status: row.status,
              first_seen: new Date(row.first_seen).toISOString(),
              last_seen: new Date(row.last_seen).toISOString(),
              events: row.events,
              errors: row.errors,
              tokens_total: row.tokens_total,
              cost_usd: microsToUsd(row.cost_micros),
            })),
      ),
      indexPending: guard('events.indexPending', (maxEvents: number = 2_000) =>
        writer.indexPending(maxEvents),
      ),
      rollPending: guard('events.rollPending', (maxEvents: number = 10_000) =>
        writer.rollPending(maxEvents),
      ),
      erase: guard('events.erase', (orgId: string, range: DeleteRange, record: ErasureRecord) =>
        writer.eraseEvents(orgId, range, record),
      ),
      oldest: guard('events.oldest', (orgId: string) => oldest.get(orgId)?.ts ?? undefined),
    },
    keys: guardAll('keys', createSqliteKeys(db, writer)),
    idempotency: guardAll('idempotency', createSqliteIdempotency(db, writer)),
    conversations: guardAll('conversations', createSqliteConversations(db)),
    control: guardAll('control', {
      ...asyncReads(createSqliteControlReads(db)),
      check: async (orgId, input) =>
        options.enforce.free(
          controlReads.controls(orgId),
          agentRow.get({ org: orgId, env: input.event.environment, name: input.event.agent }) !==
            undefined,
        ) ?? ((await checks.append([{ orgId, input }])) as [Decision])[0],
      setAgentStatus: writer.setAgentStatus,
      createPolicy: writer.createPolicy,
      updatePolicy: writer.updatePolicy,
      deletePolicy: writer.deletePolicy,
      putBudget: writer.putBudget,
      updateBudget: writer.updateBudget,
      deleteBudget: writer.deleteBudget,
      resetBudget: writer.resetBudget,
      decideApproval: writer.decideApproval,
      acknowledgeAlerts: writer.acknowledgeAlerts,
      purge: writer.purgeControl,
    }),
    notify: guardAll('notify', {
      ...asyncReads(createSqliteNotifyReads(db)),
      createSubscription: writer.createSubscription,
      updateSubscription: writer.updateSubscription,
      deleteSubscription: writer.deleteSubscription,
      fanOut: writer.fanOut,
      claimDeliveries: writer.claimDeliveries,
      settleDelivery: async (orgId, id, attempt, outcome, maxFailures) =>
        (await settles.append([{ orgId, id, attempt, outcome, maxFailures }]))[0] as boolean,
      enqueue: writer.enqueueDelivery,
      redeliver: writer.redeliver,
      purge: writer.purgeDeliveries,
    }),
    alerts: guardAll('alerts', {
      ...asyncReads(alertReads),
      listRules: async (orgId: string) => {
        await ensureRules(orgId)
        return alertReads.listRules(orgId)
      },
      getRule: async (orgId: string, id: string) => {
        await ensureRules(orgId)
        return alertReads.getRule(orgId, id)
      },
      createRule: writer.createAlertRule,
      updateRule: writer.updateAlertRule,
      deleteRule: writer.deleteAlertRule,
      apply: writer.applyAlerts,
    }),
    evaluations: guardAll('evaluations', {
      ...createSqliteEvaluationReads(db),
      create: writer.createEvaluation,
    }),
    x402: guardAll('x402', {
      ...createSqliteX402Reads(db),
      putOffer: writer.putX402Offer,
      deleteOffer: writer.deleteX402Offer,
      reservePayment: writer.reserveX402Payment,
      settlePayment: writer.settleX402Payment,
      releasePayment: writer.releaseX402Payment,
      refusePayment: writer.refuseX402Payment,
    }),
    orgs: guardAll('orgs', {
      settings: async (orgId: string) => parseOrgSettings(orgSettings.get(orgId)?.settings),
      updateSettings: (orgId: string, patch) => writer.updateOrgSettings(orgId, patch),
      ...createSqliteOrgReads(db),
      registerAgent: (orgId: string, environment: string, name: string) =>
        writer.registerAgent(orgId, environment, name),
      reserveUsage: (orgId: string, month: string, n: number, limit: number) =>
        writer.reserveUsage(orgId, month, n, limit),
      releaseUsage: (orgId: string, month: string, n: number) =>
        writer.releaseUsage(orgId, month, n),
    }),
    log: guardAll('log', asyncReads(createSqliteLogReads(db))),
    commits: commits.feed,
    checkpoints: guardAll('checkpoints', {
      ...checkpointReads,
      adoptKey: async (key, now) => {
        await writer.adoptLogKey(key, now)
        return checkpointReads.currentKey()
      },
      rotateKey: writer.rotateLogKey,
      append: writer.appendCheckpoints,
    }),
    // One server process owns an embedded data folder (ADR 0001), so its memory is the shared state.
    rateLimiter: createMemoryRateLimiter,
    ping: guard('ping', () => {
      ping.get()
    }),
    // One process owns an embedded data folder (the lock in data-dir-lock.ts): it leads every job.
    tryLead: async () => true,
    close: async () => {
      await checks.drain()
      await settles.drain()
      await writer.close()
      if (db.open) db.close()
    },
  }
}

/** Synchronous reads as the store's asynchronous seam. */
function asyncReads<T extends Record<string, (...args: never[]) => unknown>>(reads: T) {
  return Object.fromEntries(
    Object.entries(reads).map(([name, fn]) => [name, async (...args: never[]) => fn(...args)]),
  ) as unknown as {
    [K in keyof T]: (...args: Parameters<T[K]>) => Promise<ReturnType<T[K]>>
  }
}

/**
 * Writes a consistent copy of the database at `sourcePath` to `destination` while it may be in use
 * (SQLite's online backup API). Returns the number of pages copied.
 */
export async function backupSqlite(sourcePath: string, destination: string): Promise<number> {
  const db = new Database(sourcePath, { readonly: true, fileMustExist: true })
  try {
    const { totalPages } = await db.backup(destination)
    return totalPages
  } finally {
    db.close()
  }
}
