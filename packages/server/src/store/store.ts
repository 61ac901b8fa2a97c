import type { AppendReceipt, ControlNote, Event, EventStatus, NewEvent } from '@agenttrail/protocol'
import type { RateLimiter } from './rate-limiter.js'
import type { ControlStore } from './control-store.js'
import type { ConversationStore } from './conversation-store.js'
import type { NotifyStore } from './notify-store.js'
import type { AlertStore } from './alert-store.js'
import type { EvaluationStore } from './evaluation-store.js'
import type { CommitFeed } from './commit-feed.js'
import type { X402Store } from './x402-store.js'
import type { Erasure, ErasureRecord } from './tombstone.js'
import type { LeafInput, LogStore } from './log-store.js'
import type { OrgSettings, OrgSettingsPatch } from '../orgs/org-settings.js'
import type { LogCheckpointStore } from './log-checkpoint-store.js'

/**
 * The storage seam. One implementation per dialect (`sqlite/`, `postgres/`), each run by the
 * same contract suite (`store.contract.ts`). Domain-level and async; no SQL leaks through it.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres'
  readonly events: EventStore
  readonly keys: KeyStore
  readonly idempotency: IdempotencyStore
  readonly orgs: OrgStore
  /** Events grouped by `conversation_id`: the activity log, timelines, call detail (conversation-store.ts). */
  readonly conversations: ConversationStore
  /** Policies, budgets, approvals, alerts, agent status and the decisions they make (control-store.ts). */
  readonly control: ControlStore
  /** Subscriptions, the outbox and deliveries: the publish stage (notify-store.ts). */
  readonly notify: NotifyStore
  /** Alert rules, the series they watch and the evaluator's reads of the rollups (alert-store.ts). */
  readonly alerts: AlertStore
  /** Scores given to recorded events, deleted with them (evaluation-store.ts). */
  readonly evaluations: EvaluationStore
  /** Paid logs over x402: each org's offer and the payment ledger, the replay guard (x402-store.ts). */
  readonly x402: X402Store
  /**
   * The per-org Merkle log over the trail (log-store.ts, docs/integrity.md): every committed event
   * has its leaf, written in its append transaction.
   */
  readonly log: LogStore
  /**
   * Signals commits that appended events, per org (commit-feed.ts): in process on SQLite; on
   * PostgreSQL through one LISTEN connection per server, so every server hears every server.
   */
  readonly commits: CommitFeed
  /** Signed checkpoints of the org logs and the signing key's history (log-checkpoint-store.ts). */
  readonly checkpoints: LogCheckpointStore
  /** Runs a real query; throws when the store cannot answer. */
  ping(): Promise<void>
  /**
   * True when this process leads the background job named `job` (`archive`, `retention`) and runs
   * its pass; false when another process does. PostgreSQL: a session advisory lock taken on a
   * connection of its own and held until the process ends or loses that connection, so of several
   * servers on one database one runs each job; asked again, the leader checks it still holds it.
   * SQLite: always true, as one process owns a data folder.
   */
  tryLead(job: string): Promise<boolean>
  /**
   * A per-key token bucket of `burst` requests refilled at `perSecond`, whose state every server
   * process using this store shares.
   */
  rateLimiter(options: { perSecond: number; burst: number }): RateLimiter
  close(): Promise<void>
}

export interface AppendItem {
  orgId: string
  event: NewEvent
  /** The server's own record (an audit event): written like any event, not counted as the org's plan usage. */
  system?: boolean
  /**
   * The usage month (`YYYY-MM`) in which the plan's monthly limit already counted this item
   * (`OrgStore.reserveUsage`): the append does not count it again, and gives the place back when
   * the item turns out to be a duplicate.
   */
  reservedMonth?: string
  /** Set on every event of one batch request: `batch.logged` is announced once for them. */
  batch?: string
  /**
   * The event's leaf as prepared before the transaction (log-append.ts); the store's append entry
   * point fills it in, and the transaction prepares it for items without (its own records).
   */
  leaf?: LeafInput
}

export interface AppendOutcome extends AppendReceipt {
  /** True when an event with this id already existed for the org; the receipt is the stored one's. */
  duplicate: boolean
  /** The rule the action broke, when it broke one (it is recorded all the same; see control/engine.ts). */
  control?: ControlNote
}

export interface EventStore {
  /**
   * Appends in one transaction and returns one outcome per item, in order. Idempotent on
   * (org, event id). Each org's `seq` is gap-free in commit order. Durable when it resolves.
   */
  append(items: readonly AppendItem[]): Promise<AppendOutcome[]>
  get(orgId: string, id: string): Promise<Event | undefined>
  /**
   * The org's events with `seq > afterSeq`, in seq order, at most `limit` (the replay log of live
   * streams, read through the `(org_id, seq)` index). Fewer than `limit`: the reader is caught up.
   */
  since(orgId: string, afterSeq: number, limit: number): Promise<Event[]>
  /** The highest seq the org has committed; 0 when it has no events. */
  head(orgId: string): Promise<number>
  /** Newest first by (ts, id); time-bounded and cursor-paginated. */
  query(orgId: string, filter: EventFilter, page: PageRequest): Promise<Page<Event>>
  /** How many events match (every filter but `q`). */
  count(orgId: string, filter: Omit<EventFilter, 'q'>): Promise<number>
  stats(orgId: string, query: StatsQuery): Promise<Stats>
  agents(orgId: string, filter: AgentFilter): Promise<AgentSummary[]>
  /** Moves the full-text index forward over at most `maxEvents` new events; returns how many. */
  indexPending(maxEvents?: number): Promise<number>
  /**
   * Brings the rollups forward over new events: those a store holds folded in memory all at once
   * (SQLite), otherwise at most `maxEvents` read back from the events; returns how many.
   */
  rollPending(maxEvents?: number): Promise<number>
  /**
   * Erases the org's events with `from <= ts < to` (optionally only one agent, environment, user
   * or id; never an `audit` event, the trail's record of what was done to it) in one transaction:
   * the rows with everything derived from them (rollups, search index, tags, agent counters, the
   * conversation summary), their evaluations and webhook deliveries, the org's system prompts that
   * no remaining event references and the events' openings in the log; their leaves stay, so the
   * log's tree and every checkpoint stay valid. In the same transaction it appends the tombstones
   * (`log.erasure`, see tombstone.ts) naming the erased seqs, so no deletion is ever unexplained.
   * Nothing matched: nothing is appended. Other events keep their seq. For erasure, retention and
   * every delete.
   */
  erase(orgId: string, range: DeleteRange, record: ErasureRecord): Promise<Erasure>
  /** The `ts` of the org's oldest event that is not `audit` (Unix ms); undefined when it has none. */
  oldest(orgId: string): Promise<number | undefined>
}

export interface DeleteRange {
  /** Inclusive lower bound, Unix ms. */
  from: number
  /** Exclusive upper bound, Unix ms. */
  to: number
  agent?: string
  environment?: string
  /** Only the events whose `user` is this (a person's erasure). */
  user?: string
  /**
   * Only the event with this id (one event: `DELETE /api/v1/events/{id}`, with `from` and `to`
   * around its `ts`, which keeps the delete on the time index).
   */
  id?: string
}

export interface EventFilter {
  /** Inclusive lower bound, Unix ms. */
  from?: number
  /** Exclusive upper bound, Unix ms. */
  to?: number
  agent?: string
  service?: string
  action?: string
  status?: EventStatus
  kind?: string
  environment?: string
  user?: string
  traceId?: string
  conversationId?: string
  model?: string
  tag?: string
  /** Full-text: every word must occur in title, input, output or error. */
  q?: string
  /** Case-insensitive substring of `action` (the AgentLedger `search` parameter). */
  actionContains?: string
}

/** Position after which the next page starts (exclusive), newest first. */
export interface Cursor {
  ts: number
  id: string
}

export interface PageRequest {
  limit: number
  after?: Cursor
  /** Rows to skip before the page (after `after`, if both are given). Default 0. */
  offset?: number
}

export interface Page<T> {
  items: T[]
  /** Present when more rows may follow. */
  next?: Cursor
}

export interface StatsQuery {
  /** Inclusive, Unix ms. */
  from: number
  /** Exclusive, Unix ms. */
  to: number
  environment?: string
  agent?: string
  bucket: 'hour' | 'day'
}

export interface StatsCounts {
  events: number
  errors: number
  tokens_total: number
  cost_usd: number
}

export interface Stats {
  from: string
  to: string
  bucket: 'hour' | 'day'
  totals: { events: number } & Record<EventStatus, number>
  rates: Record<EventStatus, number>
  latency_ms: { avg: number | null; p50: number | null; p95: number | null }
  tokens: { input: number; output: number; cache_read: number; cache_write: number; total: number }
  cost_usd: number
  by_agent: Array<{ agent: string | null } & StatsCounts>
  by_model: Array<{ model: string | null } & StatsCounts>
  by_service: Array<{ service: string | null } & StatsCounts>
  series: Array<{ start: string } & StatsCounts>
}

export interface AgentFilter {
  environment?: string
  name?: string
}

export interface AgentSummary {
  name: string
  environment: string
  status: 'active' | 'paused' | 'killed'
  first_seen: string
  last_seen: string
  events: number
  errors: number
  tokens_total: number
  cost_usd: number
}

export const SCOPES = ['ingest', 'read', 'control', 'approve', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

export interface ApiKeyRecord {
  id: string
  org_id: string
  name: string
  description: string | null
  key_prefix: string
  scopes: Scope[]
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
  rotated_from: string | null
}

export interface NewApiKey {
  id: string
  orgId: string
  name: string
  description: string | null
  keyHash: string
  keyPrefix: string
  scopes: Scope[]
  rotatedFrom: string | null
}

export interface KeyStore {
  /** Creates the org if it does not exist. */
  ensureOrg(orgId: string): Promise<void>
  /** Number of keys that are not revoked, over all orgs. */
  countActive(): Promise<number>
  insert(key: NewApiKey): Promise<ApiKeyRecord>
  findByHash(keyHash: string): Promise<ApiKeyRecord | undefined>
  /** With `orgId`, only that org's key. */
  get(id: string, orgId?: string): Promise<ApiKeyRecord | undefined>
  list(orgId?: string): Promise<ApiKeyRecord[]>
  /** Returns false when there was no such unrevoked key. */
  revoke(id: string, orgId?: string): Promise<boolean>
  /** Records use; callers throttle how often. */
  touch(id: string, at: number): Promise<void>
  /**
   * Stores a live-stream token (only its hash) for `keyId` until `expiresAt` (Unix ms), and drops
   * tokens that expired before `now`.
   */
  insertStreamToken(token: NewStreamToken, now: number): Promise<void>
  /** The unrevoked key of a stream token that has not expired at `now`. */
  findStreamToken(tokenHash: string, now: number): Promise<ApiKeyRecord | undefined>
  /**
   * Stores a dashboard session (only the hash of its cookie) for `keyId`, created at `now` (Unix
   * ms), and drops sessions that expired before `now`.
   */
  insertSession(session: NewSession, now: number): Promise<void>
  /** A session that has not expired at `now`, with its key, while that key is not revoked. */
  findSession(tokenHash: string, now: number): Promise<SessionRecord | undefined>
  /** Deletes a session (signing out). False when there was none. */
  deleteSession(tokenHash: string): Promise<boolean>
}

export interface NewSession {
  tokenHash: string
  keyId: string
  /** Unix ms. */
  expiresAt: number
}

/** A live dashboard session: it acts as `key`, until `expiresAt` (Unix ms). */
export interface SessionRecord {
  key: ApiKeyRecord
  expiresAt: number
}

export interface NewStreamToken {
  tokenHash: string
  keyId: string
  /** Unix ms. */
  expiresAt: number
}

export type IdempotencyClaim =
  { state: 'new'; ids: string[] } | { state: 'replay'; ids: string[] } | { state: 'mismatch' }

export interface IdempotencyStore {
  /**
   * Claims an `Idempotency-Key` for a request whose body hashes to `requestHash`, proposing the
   * event ids it will use. A later request with the same key within `ttlMs` gets the first
   * request's ids back (`replay`), so appending again changes nothing; a different body is a
   * `mismatch`. Atomic: two concurrent claims agree on one set of ids.
   */
  claim(
    orgId: string,
    key: string,
    requestHash: string,
    ids: string[],
    now: number,
    ttlMs: number,
  ): Promise<IdempotencyClaim>
  /**
   * The live claim of `key` without making one: `replay` with its ids when `requestHash` matches,
   * `mismatch` when it does not, undefined when there is none (or it is older than `ttlMs`). Lets
   * a replay answer before any gate runs, while a request a gate refuses never claims the key.
   */
  lookup(
    orgId: string,
    key: string,
    requestHash: string,
    now: number,
    ttlMs: number,
  ): Promise<Exclude<IdempotencyClaim, { state: 'new' }> | undefined>
  /** Removes claims older than `before` (Unix ms); returns how many. */
  purge(before: number): Promise<number>
}

export interface OrgStore {
  /** The org's settings with defaults filled in; the defaults for an org never seen. */
  settings(orgId: string): Promise<OrgSettings>
  /**
   * Applies a partial change to the settings as stored now (read and written in one transaction,
   * so concurrent changes of different keys all survive), creating the org if needed. Returns the
   * settings after the change. The caller validates the patch (see `applySettingsPatch`).
   */
  updateSettings(orgId: string, patch: OrgSettingsPatch): Promise<OrgSettings>
  /** True when the org exists (it has or had keys, events or settings). */
  exists(orgId: string): Promise<boolean>
  /**
   * Events the org appended in the UTC calendar month `month` (`YYYY-MM`, see usage-month.ts),
   * counted by receive time when they were appended: duplicates by id are not counted, and deleted
   * events stay counted. 0 for a month without events.
   */
  usage(orgId: string, month: string): Promise<number>
  /**
   * Counts `n` events against the org's month if that keeps it at most `limit`, in one statement,
   * so that concurrent requests can never pass the limit together. Answers the usage after (or, when
   * refused, as it stands). The events are then appended with `reservedMonth`.
   */
  reserveUsage(
    orgId: string,
    month: string,
    n: number,
    limit: number,
  ): Promise<{ ok: boolean; used: number }>
  /** Gives back `n` reserved places (their request was not appended after all). */
  releaseUsage(orgId: string, month: string, n: number): Promise<void>
  /** Every org whose plan sets `retention_days`, with it. */
  retentionPolicies(): Promise<Array<{ orgId: string; retentionDays: number }>>
  /**
   * Registers an agent (its row in the agent list, with zero counts, so that orgs that require
   * registration accept its events). Returns false when it already existed (registered or seen).
   */
  registerAgent(orgId: string, environment: string, name: string): Promise<boolean>
}
