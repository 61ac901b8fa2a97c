import { AgentTrailError } from './errors.js'
import type { FetchLike } from './fetch-like.js'

/** Why events were dropped: see `onDrop`. */
export type DropReason =
  /** `maxQueueSize` events were already waiting; the newest was refused. */
  | 'queue_full'
  /** Fired after `shutdown()`, or still queued when its deadline passed. */
  | 'shutdown'
  /** The server refused them (invalid event, bad key, forbidden); sending again would not help. */
  | 'rejected'
  /** Every attempt failed until the retry deadline (server down, network). */
  | 'export_failed'
  /** The event could not be turned into JSON. */
  | 'unserializable'

export interface AgentTrailOptions {
  /** API key with the `at_`, `al_`, `sk-lw-` or `aw_` prefix. Default: `process.env.AGENTTRAIL_API_KEY`. Required. */
  apiKey?: string
  /** Server URL; a trailing `/` is ignored. Default: `process.env.AGENTTRAIL_BASE_URL`, else `http://127.0.0.1:7878`. */
  baseUrl?: string
  /** Stamped on events that have none; sent with check, agent controls and stream. Default `'production'`. */
  environment?: string
  /** Tags added to every event (merged with its own, no duplicates). Default none. */
  tags?: string[]
  /** When the pre-flight check of `track()` cannot be made (network, timeout, non-2xx): run the action anyway (true) or throw (false). Default true. */
  failOpen?: boolean
  /** Timeout of one HTTP request, in ms. Default 5000. */
  timeout?: number
  /** Do not print errors and drops that no `onError`/`onDrop` handler takes (console.warn, at most one line per 10 s per kind). Default false. */
  silent?: boolean
  /** Receives every error the SDK swallowed instead of throwing into your code. Default: console.warn unless `silent`. */
  onError?: (error: Error) => void
  /** Receives every loss of events with its count and reason. Default: reported through `onError`. */
  onDrop?: (count: number, reason: DropReason) => void
  /** Events held in memory waiting to be sent; `fire()` beyond it drops and counts. Default 10 000. */
  maxQueueSize?: number
  /** Longest time a fired event waits for its batch, in ms. Default 1000. */
  flushIntervalMs?: number
  /** Events per request; a full batch is sent at once. Default 100, at most 1000 (the server's limit). */
  maxBatchSize?: number
  /** How long one batch, or one `log()`, keeps retrying transient failures, in ms. Default 30 000. */
  retryDeadlineMs?: number
  /** How long `shutdown()` and the exit flush wait for pending events, in ms. Default 5000. */
  shutdownTimeoutMs?: number
  /** Send pending events when the process is about to exit (`beforeExit`). Default true. */
  flushOnExit?: boolean
  /**
   * The fetch to use for every call. Default: on Node, node:http with keep-alive sockets for requests
   * (about half the round trip of `fetch` on loopback) and `globalThis.fetch` for `stream()`;
   * elsewhere `globalThis.fetch`.
   */
  fetch?: FetchLike
  /**
   * Refuse a key without one of the known prefixes before any request, as AgentLedger does (its
   * error message is part of that). Set false for a key the operator chose
   * (`AGENTTRAIL_INIT_API_KEY`): the server then decides and answers 401 to a wrong one. Default true.
   */
  keyCheck?: boolean
}

export type ResolvedOptions = Required<Omit<AgentTrailOptions, 'onError' | 'onDrop'>> &
  Pick<AgentTrailOptions, 'onError' | 'onDrop'>

/** Key prefixes an AgentTrail server issues (at_ is its own; the others keep peer SDKs' key checks happy). */
export const KEY_PREFIXES = ['at_', 'al_', 'sk-lw-', 'aw_'] as const

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] ||
  undefined

/** The options merged over their defaults; throws on a missing or malformed key, as AgentLedger does. */
export function resolveOptions(options: AgentTrailOptions): ResolvedOptions {
  const opts = {
    apiKey: env('AGENTTRAIL_API_KEY') ?? '',
    baseUrl: env('AGENTTRAIL_BASE_URL') ?? 'http://127.0.0.1:7878',
    environment: 'production',
    tags: [],
    failOpen: true,
    timeout: 5000,
    silent: false,
    maxQueueSize: 10_000,
    flushIntervalMs: 1000,
    maxBatchSize: 100,
    retryDeadlineMs: 30_000,
    shutdownTimeoutMs: 5000,
    flushOnExit: true,
    keyCheck: true,
    fetch: globalThis.fetch as unknown as FetchLike,
    ...withoutUndefined(options),
  }
  checkKey(opts.apiKey, opts.keyCheck)
  if (typeof opts.fetch !== 'function')
    throw new AgentTrailError('AgentTrail: no fetch in this runtime; pass options.fetch')
  opts.baseUrl = opts.baseUrl.replace(/\/+$/, '')
  opts.maxBatchSize = Math.min(Math.max(1, Math.floor(opts.maxBatchSize)), 1000)
  opts.maxQueueSize = Math.max(1, Math.floor(opts.maxQueueSize))
  return opts
}

/**
 * Throws AgentLedger's `Invalid API key` error for a missing key, or (with `prefixes`) one without
 * a known prefix.
 */
export function checkKey(apiKey: string, prefixes: boolean): void {
  if (prefixes ? KEY_PREFIXES.some((prefix) => apiKey.startsWith(prefix)) : apiKey !== '') return
  throw new AgentTrailError(
    `AgentTrail: Invalid API key. Keys start with ${KEY_PREFIXES.map((p) => `"${p}"`).join(', ')}.`,
    { code: 'invalid_key' },
  )
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<T>
}
