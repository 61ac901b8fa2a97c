import { AgentTrailError } from './errors.js'
import type { ErrorDetail } from './errors.js'
import type { FetchLike } from './fetch-like.js'
import { HttpTransport, isRetryableStatus } from './http-transport.js'
import type { HttpResponse } from './http-transport.js'
import { checkKey } from './agent-trail-options.js'
import { verifyCheckpointHistory } from './log/checkpoint-history.js'
import type { HistoryVerdict } from './log/checkpoint-history.js'
import { verifyInclusionProof } from './log/log-verifier.js'
import type { ProofVerdict, TrustedKeys } from './log/log-verifier.js'
import type {
  CheckpointPage,
  CheckpointQuery,
  ConsistencyProof,
  InclusionProof,
  LogKey,
  LogLeaf,
  LogStatus,
} from './log/log-types.js'

// The read side of the API (docs/api.md, "Finding", "Counting", "Conversations", "Checks, agents,
// approvals", "Policies, budgets, alerts"): one method per GET route, answers as the server sends
// them. For scripts, the CLI and the MCP server, which talk to AgentTrail like any client.

/** An instant as the server takes it: ISO 8601 (`2026-12-01`, `2026-12-01T08:00:00Z`), epoch ms, or a Date. */
export type Instant = string | number | Date

/** The filters of `GET /api/v1/events`. */
export interface EventQuery {
  /** Inclusive. */
  from?: Instant
  /** Exclusive. */
  to?: Instant
  agent?: string
  service?: string
  action?: string
  status?: string
  kind?: string
  environment?: string
  user?: string
  traceId?: string
  conversationId?: string
  model?: string
  tag?: string
  /** Full-text search: every word must occur in the title, input, output or error. */
  q?: string
  /** 1 to 1000; default 50. */
  limit?: number
  /** A `next_cursor` from an earlier page of the same query. */
  cursor?: string
}

/** A stored event: the fields of docs/api.md "The event", plus `org_id`, `seq`, `received_at`, `cost_source`. */
export interface StoredEvent {
  id: string
  ts: string
  seq: number
  kind: string
  status: string
  environment: string
  agent: string | null
  service: string | null
  action: string | null
  [field: string]: unknown
}

export interface EventPage {
  events: StoredEvent[]
  /** Pass back as `cursor` for the next page; null on the last. */
  next_cursor: string | null
}

export interface StatsQuery {
  from?: Instant
  to?: Instant
  /** Default 30 when neither `from` nor `to` is given. */
  days?: number
  environment?: string
  agent?: string
  bucket?: 'hour' | 'day'
}

export interface AgentQuery {
  environment?: string
}

export interface ConversationQuery {
  from?: Instant
  to?: Instant
  agent?: string
  model?: string
  environment?: string
  /** 1 to 200; default 50. */
  limit?: number
  cursor?: string
}

export interface TimelineQuery {
  /** 1 to 1000; default 200. */
  limit?: number
  cursor?: string
  /** Only events committed after this `last_seq`. */
  since?: number
}

export interface AlertQuery {
  /** Acknowledged alerts too. */
  all?: boolean
  environment?: string
  agent?: string
  state?: 'firing' | 'resolved'
  /** 1 to 200; default 50. */
  limit?: number
}

export interface ApprovalQuery {
  status?: 'pending' | 'approved' | 'denied' | 'expired'
  agent?: string
  environment?: string
  limit?: number
}

/** A JSON object as the server answered it; the field names are in docs/api.md. */
export type Answer = Record<string, any>

export interface TrailReaderOptions {
  /** A key with the `read` scope. Default: `process.env.AGENTTRAIL_API_KEY`. */
  apiKey?: string
  /** Default: `process.env.AGENTTRAIL_BASE_URL`, else `http://127.0.0.1:7878`. */
  baseUrl?: string
  /** Timeout of one request, in ms. Default 10 000. */
  timeout?: number
  /** Default: `globalThis.fetch`. */
  fetch?: FetchLike
  /**
   * Refuse a key without a known prefix (`at_`, `al_`, `sk-lw-`, `aw_`) before any request.
   * Set false for a key the operator chose: the server decides, answering 401. Default true.
   */
  keyCheck?: boolean
}

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] ||
  undefined

/**
 * Reads the trail: events, stats, agents, conversations, traces, alerts, approvals, policies and
 * budgets. Every method makes one request, except `pages()` (one per page) and `trace()` (one per
 * page of the trace), and rejects with an AgentTrailError carrying the status, the server's code and its message on a non-2xx answer.
 *
 * ```ts
 * const reader = new TrailReader({ apiKey: process.env.AGENTTRAIL_API_KEY })
 * const { events } = await reader.events({ status: 'error', limit: 10 })
 * ```
 *
 * `AgentTrail#read` is the same reader on the client's connection.
 */
export class TrailReader {
  private readonly transport: HttpTransport

  constructor(options: TrailReaderOptions | HttpTransport = {}) {
    if (options instanceof HttpTransport) {
      this.transport = options
      return
    }
    const apiKey = options.apiKey ?? env('AGENTTRAIL_API_KEY') ?? ''
    checkKey(apiKey, options.keyCheck ?? true)
    const fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined)
    if (typeof fetch !== 'function')
      throw new AgentTrailError('AgentTrail: no fetch in this runtime; pass options.fetch')
    this.transport = new HttpTransport({
      apiKey,
      baseUrl: (options.baseUrl ?? env('AGENTTRAIL_BASE_URL') ?? 'http://127.0.0.1:7878').replace(
        /\/+$/,
        '',
      ),
      timeout: options.timeout ?? 10_000,
      fetch,
    })
  }

  /** `GET /api/v1/whoami`: the key's org, id, name, prefix and scopes. */
  whoami(): Promise<{
    org_id: string
    key: { id: string; name: string; prefix: string; scopes: string[] }
  }> {
    return this.get('/api/v1/whoami') as Promise<any>
  }

  /** `GET /api/v1/events`: one page, newest first. */
  events(query: EventQuery = {}): Promise<EventPage> {
    return this.get('/api/v1/events', query) as Promise<EventPage>
  }

  /**
   * Every event that matches, newest first, page after page (`limit` per request, default 1000).
   * Each page carries the cursor that continues after it, so a reader can stop and resume.
   */
  async *pages(query: EventQuery = {}): AsyncGenerator<EventPage> {
    let cursor = query.cursor
    for (;;) {
      const page = await this.events({ ...query, limit: query.limit ?? 1000, cursor })
      yield page
      if (!page.next_cursor || page.events.length === 0) return
      cursor = page.next_cursor
    }
  }

  /** `GET /api/v1/events/{id}`: the full event with its evaluations. */
  async event(id: string): Promise<StoredEvent> {
    return this.get(`/api/v1/events/${pathSegment(id, 'id')}`) as Promise<StoredEvent>
  }

  /**
   * The events of one trace, oldest first (by `ts`, then `seq`), at most `limit` (1 to 10 000,
   * default 1000), in pages of up to 1000. `truncated` says whether the trace has more.
   */
  async trace(
    traceId: string,
    options: { environment?: string; limit?: number } = {},
  ): Promise<{ trace_id: string; events: StoredEvent[]; truncated: boolean }> {
    const limit = options.limit ?? 1000
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new AgentTrailError(
        `AgentTrail: trace() takes a limit from 1 to 10000 (a whole number), not ${String(limit)}`,
        { code: 'invalid_argument' },
      )
    const events: StoredEvent[] = []
    let truncated = false
    // Pages of `limit + 1`: one more than is kept tells whether the trace goes on, and a short
    // trace costs one request however large the events are.
    const perPage = Math.min(limit + 1, 1000)
    const query = { traceId, environment: options.environment, limit: perPage }
    for await (const page of this.pages(query)) {
      events.push(...page.events)
      if (events.length > limit) {
        truncated = true
        break
      }
    }
    if (events.length === 0)
      throw new AgentTrailError(`AgentTrail: no events with trace_id "${traceId}" (404)`, {
        status: 404,
        code: 'not_found',
      })
    // The newest `limit` are kept when it is cut: the end of a trace is where it failed.
    const kept = events.slice(0, limit)
    kept.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts) || a.seq - b.seq)
    return { trace_id: traceId, events: kept, truncated }
  }

  /** `GET /api/v1/stats`: totals, rates, latency, tokens, cost, breakdowns and a series. */
  stats(query: StatsQuery = {}): Promise<Answer> {
    return this.get('/api/v1/stats', query)
  }

  /** `GET /api/v1/agents`: every agent seen, one row per environment. */
  async agents(query: AgentQuery = {}): Promise<Answer[]> {
    return (await this.get('/api/v1/agents', query)).agents as Answer[]
  }

  /** `GET /api/v1/agents/{name}`: one agent, one row per environment (or only `environment`'s). */
  async agent(name: string, options: AgentQuery = {}): Promise<Answer> {
    return this.get(`/api/v1/agents/${pathSegment(name, 'name')}`, options)
  }

  /** `GET /api/v1/conversations`: one row per conversation, newest activity first. */
  conversations(query: ConversationQuery = {}): Promise<Answer> {
    return this.get('/api/v1/conversations', query)
  }

  /** `GET /api/v1/conversations/{id}/timeline`: the conversation's events in order. */
  async conversation(id: string, query: TimelineQuery = {}): Promise<Answer> {
    return this.get(`/api/v1/conversations/${pathSegment(id, 'id')}/timeline`, query)
  }

  /** `GET /api/v1/conversations/{id}/calls/{eventId}`: one call in full. */
  async call(conversationId: string, eventId: string): Promise<Answer> {
    return this.get(
      `/api/v1/conversations/${pathSegment(conversationId, 'conversationId')}/calls/${pathSegment(eventId, 'eventId')}`,
    )
  }

  /** `GET /api/v1/alerts`: newest first; unacknowledged only unless `all`. */
  async alerts(query: AlertQuery = {}): Promise<Answer[]> {
    return (await this.get('/api/v1/alerts', query)).alerts as Answer[]
  }

  /** `GET /api/v1/alerts/{id}`: one alert with its history. */
  async alert(id: string): Promise<Answer> {
    return (await this.get(`/api/v1/alerts/${pathSegment(id, 'id')}`)).alert as Answer
  }

  /** `GET /api/v1/approvals`: newest first. */
  async approvals(query: ApprovalQuery = {}): Promise<Answer[]> {
    return (await this.get('/api/v1/approvals', query)).approvals as Answer[]
  }

  /** `GET /api/v1/approvals/{id}`. */
  async approval(id: string): Promise<Answer> {
    return this.get(`/api/v1/approvals/${pathSegment(id, 'id')}`)
  }

  /** `GET /api/v1/policies/{id}`. */
  async policy(id: string): Promise<Answer> {
    return (await this.get(`/api/v1/policies/${pathSegment(id, 'id')}`)).policy as Answer
  }

  /** `GET /api/v1/budgets/{id}`. */
  async budget(id: string): Promise<Answer> {
    return this.get(`/api/v1/budgets/${pathSegment(id, 'id')}`)
  }

  /** `GET /api/v1/log/status`: the log's size, its latest checkpoint, the signing key, the lag. */
  logStatus(): Promise<LogStatus> {
    return this.get('/api/v1/log/status') as Promise<LogStatus>
  }

  /** `GET /api/v1/log/checkpoint`: the latest signed checkpoint, the note's text. */
  async logCheckpoint(): Promise<string> {
    const path = '/api/v1/log/checkpoint'
    const res = await this.transport.request('GET', path)
    if (!res.ok) throw readError('GET', path, res)
    return res.text
  }

  /** `GET /api/v1/log/checkpoints`: one page of the signed checkpoints, oldest first. */
  logCheckpoints(query: CheckpointQuery = {}): Promise<CheckpointPage> {
    return this.get('/api/v1/log/checkpoints', query) as Promise<CheckpointPage>
  }

  /** `GET /api/v1/events/{id}/proof`: the event's inclusion proof, in the latest checkpoint or `treeSize`'s. */
  async eventProof(id: string, options: { treeSize?: number } = {}): Promise<InclusionProof> {
    return this.get(
      `/api/v1/events/${pathSegment(id, 'id')}/proof`,
      options,
    ) as Promise<InclusionProof>
  }

  /** `GET /api/v1/log/proof/consistency`: RFC 6962 PROOF(first, D[second]); `second` is a checkpointed size. */
  consistencyProof(first: number, second: number): Promise<ConsistencyProof> {
    return this.get('/api/v1/log/proof/consistency', { first, second }) as Promise<ConsistencyProof>
  }

  /** `GET /api/v1/log/leaves`: the leaves with index in [start, end), at most 1000. */
  async logLeaves(start: number, end: number): Promise<LogLeaf[]> {
    return (await this.get('/api/v1/log/leaves', { start, end })).leaves as LogLeaf[]
  }

  /** `GET /api/v1/log/keys`: the log's signing keys with their validity windows, oldest first. */
  async logKeys(): Promise<LogKey[]> {
    return (await this.get('/api/v1/log/keys')).keys as LogKey[]
  }

  /** `GET /.well-known/agenttrail/log-keys?org=`: the keys an org's log publishes (no key needed). */
  async publishedLogKeys(orgId: string): Promise<LogKey[]> {
    return (await this.get('/.well-known/agenttrail/log-keys', { org: orgId })).keys as LogKey[]
  }

  /**
   * `GET /api/v1/log/export`: the verifiable export (JSONL, `agenttrail-log-export/1`) as it
   * streams; `agenttrail verify` checks it offline. The timeout covers the wait for its start only.
   */
  async *logExport(options: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
    const path = '/api/v1/log/export'
    const res = await this.transport.stream(path, options.signal)
    if (!res.chunks) throw readError('GET', path, res)
    yield* res.chunks
  }

  /**
   * Fetches the event, its inclusion proof and the keys, and checks here (see
   * `verifyInclusionProof`): the checkpoint's signature, that the event as the server shows it is
   * its committed leaf (clear fields equal, committed ones present), and the path to the signed root. `keys` are verifier keys
   * pinned out of band; default the keys the server publishes (`logKeys()`), which proves the
   * server's log is consistent with itself, not that the server is honest.
   */
  async verifyEvent(
    id: string,
    options: { keys?: TrustedKeys; treeSize?: number } = {},
  ): Promise<ProofVerdict & { keys: 'pinned' | 'published' }> {
    const [proof, keys, event] = await Promise.all([
      this.eventProof(id, { treeSize: options.treeSize }),
      options.keys ?? this.logKeys(),
      this.event(id),
    ])
    const verdict = await verifyInclusionProof(proof, keys, { eventId: id, event })
    return { ...verdict, keys: options.keys ? 'pinned' : 'published' }
  }

  /**
   * Walks the checkpoint history and checks it here (see `verifyCheckpointHistory`): every
   * signature, and the consistency between consecutive checkpoints. At most `limit` checkpoints
   * (default 1000) from the first of more than `afterSize` leaves.
   */
  async verifyLog(
    options: { keys?: TrustedKeys; afterSize?: number; limit?: number } = {},
  ): Promise<HistoryVerdict & { keys: 'pinned' | 'published' }> {
    const keys = options.keys ?? (await this.logKeys())
    const verdict = await verifyCheckpointHistory(this, keys, options)
    return { ...verdict, keys: options.keys ? 'pinned' : 'published' }
  }

  /** Sends a request and returns the JSON object answered, or throws the server's error. */
  async request(
    method: string,
    path: string,
    options: { query?: object; body?: unknown } = {},
  ): Promise<Answer> {
    const url = path + queryString(options.query ?? {})
    const res = await this.transport.request(method, url, {
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    })
    if (!res.ok) throw readError(method, path, res)
    return (res.json ?? {}) as Answer
  }

  private get(path: string, query: object = {}): Promise<Answer> {
    return this.request('GET', path, { query })
  }
}

/**
 * One path segment, percent-encoded. Refuses `''`, `.` and `..`, which encoding leaves as they are
 * and URL parsing then removes or climbs (`/api/v1/events/..` is `/api/v1/`): another route.
 */
export function pathSegment(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..')
    throw new AgentTrailError(
      `AgentTrail: ${what} may not be ${value === '' ? 'empty' : `"${value}"`}`,
      { code: 'invalid_argument' },
    )
  return encodeURIComponent(value)
}

/** `?a=1&trace_id=...`: camelCase names in snake_case, undefined left out, dates as ISO 8601. */
export function queryString(query: object): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    const key = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
    params.set(key, value instanceof Date ? value.toISOString() : String(value))
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** `AgentTrail: GET /api/v1/events failed (400 invalid_query): <the server's message>`. */
export function readError(method: string, path: string, res: HttpResponse): AgentTrailError {
  const body = res.json as { error?: unknown; code?: unknown; details?: unknown } | undefined
  const code = typeof body?.code === 'string' ? body.code : undefined
  const said = typeof body?.error === 'string' ? `: ${body.error}` : ''
  return new AgentTrailError(
    `AgentTrail: ${method} ${path} failed (${res.status}${code ? ` ${code}` : ''})${said}`,
    {
      status: res.status,
      code,
      details: Array.isArray(body?.details) ? (body.details as ErrorDetail[]) : undefined,
      retryable: isRetryableStatus(res.status),
      retryAfterMs: res.retryAfterMs,
    },
  )
}
