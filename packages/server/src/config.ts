import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/** Everything the server reads from its environment, read once, here. */
export interface Config {
  /** Default 7878. 0 picks a free port. */
  port: number
  /** Default 127.0.0.1. */
  host: string
  /** Default `./data`. Holds the SQLite file. */
  dataDir: string
  /** `DATABASE_URL`: when set, the PostgreSQL store instead of SQLite. */
  databaseUrl: string | undefined
  /** Connections in the PostgreSQL pool. Default 10. */
  databasePoolSize: number
  /** Default `info`. One JSON line per request at `info`. */
  logLevel: LogLevel
  /** Requests per second each key may make on average. Default 1,000; 0 turns the limit off. */
  rateLimitPerSecond: number
  /** Requests a key may make at once after being idle. Default 2,000. */
  rateLimitBurst: number
  /** How long an `Idempotency-Key` replays its first response. Default 24 h, in ms. */
  idempotencyTtlMs: number
  /** Most events one group-commit transaction takes. Default 5,000. */
  maxCommitEvents: number
  /** How often rollups and the full-text index catch up with new events. Default 250 ms. */
  catchUpIntervalMs: number
  /** On first start with no keys: create exactly this key instead of a random one. */
  initApiKey: string | undefined
  /** Org of the first key. Default `default`. */
  initOrg: string
  /** How long shutdown waits for in-flight requests. Default 10,000 ms. */
  shutdownTimeoutMs: number
  /** Days a daily activity archive (`<dataDir>/archives/...`) is kept before it is deleted. Default 180. */
  archiveRetentionDays: number
  /**
   * How often the maintenance jobs (daily archives, plan retention) run a pass. Default one hour,
   * in ms. With PostgreSQL, only the elected leader among the servers runs them.
   */
  jobIntervalMs: number
  /** How long an approval request waits for a decision before it expires. Default 30 minutes, in ms. */
  approvalTtlMs: number
  /**
   * `AGENTTRAIL_PUBLIC_URL`: where people reach this server (http or https, no trailing slash).
   * Notifications link to it; unset, they carry no link.
   */
  publicUrl: string | undefined
  /**
   * `AGENTTRAIL_MCP_ALLOWED_ORIGINS`: the browser origins (`https://app.example.com`, comma-separated)
   * whose pages may call `/mcp`, besides `AGENTTRAIL_PUBLIC_URL`'s and loopback's. A request without
   * an `Origin` (any client that is not a browser page) is not concerned.
   */
  mcpAllowedOrigins: string[]
  /** `AGENTTRAIL_PAGERDUTY_URL`: the Events API v2 endpoint. Default https://events.pagerduty.com/v2/enqueue. */
  pagerdutyUrl: string
  /** `AGENTTRAIL_SMTP_URL`: `smtp://user:pass@host:587` or `smtps://…:465`. Unset: no e-mail. */
  smtpUrl: string | undefined
  /** `AGENTTRAIL_SMTP_FROM`: the sender of notification e-mails. Unset: no e-mail. */
  smtpFrom: string | undefined
  /**
   * `AGENTTRAIL_OUTBOUND_ALLOW`, raw: a comma-separated list of CIDRs, IP addresses and host names
   * that webhooks and notification channels may reach although they are private (by default every
   * loopback, private, link-local and reserved address is refused). Parsed by
   * `notify/outbound.ts` (`parseOutboundAllow`).
   */
  outboundAllow: string | undefined
  /**
   * `AGENTTRAIL_SECRET_KEY`, raw: the base64 of 32 bytes sealing stored secrets (webhook secrets,
   * chat URLs, routing keys). Unset: `<dataDir>/secret.key`, created on first use. Servers sharing
   * one PostgreSQL database must all be given the same key. Decoded by `notify/secret-box.ts`.
   */
  secretKey: string | undefined
  /** `AGENTTRAIL_DELIVERY_TIMEOUT_MS`: how long one outbound request may take. Default 15,000 ms. */
  deliveryTimeoutMs: number
  /**
   * `AGENTTRAIL_DELIVERY_RETRY_SECONDS`: the waits between attempts of a failed delivery, comma
   * separated, in seconds; one attempt more than waits. Default `5,300,1800,7200,18000,36000,36000`
   * (eight attempts over about 27 hours).
   */
  deliveryRetryDelaysMs: readonly number[] | undefined
  /** `AGENTTRAIL_DELIVERY_POLL_MS`: how often due retries are looked for. Default 1,000 ms. */
  deliveryPollMs: number
  /**
   * `AGENTTRAIL_DELIVERY_WORKER`: whether this server makes deliveries (`true`, the default). With
   * PostgreSQL, servers set to `false` only write the outbox, and the others deliver.
   */
  deliveryWorker: boolean
  /**
   * `AGENTTRAIL_ALERT_INTERVAL_MS`: time between two evaluations of the alert rules and anomaly
   * detectors (one server evaluates: the leader of the `alerts` job). Default 60,000 ms; 0 turns
   * evaluation off in this server.
   */
  alertIntervalMs: number
  /**
   * `AGENTTRAIL_X402_SETTLE_TIMEOUT_MS`: how long a paid log (x402) waits for the facilitator to
   * settle its payment before it is refused with nothing stored. Default 30,000 ms.
   */
  x402SettleTimeoutMs: number
  /** Live streams (`GET /api/v1/stream`) one API key may hold open at once. Default 10. */
  streamMaxPerKey: number
  /**
   * Bytes a live stream may have queued for a client that reads too slowly; past it the server
   * closes the stream and the client resumes from its `Last-Event-ID`. Default 1 MiB.
   */
  streamQueueBytes: number
  /** How often a live stream sends `heartbeat`. Default 30,000 ms. */
  streamHeartbeatMs: number
  /**
   * PostgreSQL: how often a server with open streams re-reads the orgs' last seq, covering commit
   * notifications missed while its LISTEN connection reconnected. Default 3,000 ms.
   */
  streamPollMs: number
  /**
   * `AGENTTRAIL_DASHBOARD_DIR`: the built web dashboard, served at `/`. Default
   * `packages/dashboard/dist` beside this server package, wherever it was started from.
   */
  dashboardDir: string
  /**
   * `AGENTTRAIL_LOG_KEY_FILE`: the Ed25519 private key (PKCS#8 PEM, mode 0600) that signs the
   * integrity log's checkpoints. Unset: `<dataDir>/log-keys/current.pem` (see `logKeyPath`);
   * created on first start. Servers sharing one PostgreSQL database must all be given the same key.
   */
  logKeyFile: string | undefined
  /**
   * `AGENTTRAIL_LOG_ORIGIN`: the first part of every org log's origin (`<this>/t/<org_id>`), which
   * is also the checkpoints' key name. Default `agenttrail-` and the first 8 hex digits of the
   * SHA-256 of the log's first public key. Set it once: an origin that changes is another log.
   */
  logOrigin: string | undefined
  /**
   * `AGENTTRAIL_LOG_MIRROR_DIR`: a folder (append-only storage such as a WORM mount) where every
   * checkpoint is also written as a new file `<org>/<size>-<unix>.note`, never overwritten. Unset:
   * no copy.
   */
  logMirrorDir: string | undefined
  /** `AGENTTRAIL_LOG_CHECKPOINT_MS`: how often orgs whose log grew get a checkpoint. Default 1,000 ms. */
  checkpointIntervalMs: number
  /** `AGENTTRAIL_LOG_HEARTBEAT_MS`: the longest time between two checkpoints of a log. Default one hour. */
  heartbeatMs: number
}

/** `packages/dashboard/dist`, found from this file (`src/` or `dist/` of the server package). */
const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url))

export type Env = Readonly<Record<string, string | undefined>>

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    port: integer(env, 'AGENTTRAIL_PORT', 7878, 0, 65_535),
    host: env.AGENTTRAIL_HOST || '127.0.0.1',
    dataDir: resolve(env.AGENTTRAIL_DATA_DIR || './data'),
    databaseUrl: databaseUrl(env.DATABASE_URL),
    databasePoolSize: integer(env, 'AGENTTRAIL_DB_POOL_SIZE', 10, 1, 1_000),
    logLevel: logLevel(env.AGENTTRAIL_LOG_LEVEL),
    rateLimitPerSecond: integer(env, 'AGENTTRAIL_RATE_LIMIT_PER_SECOND', 1_000, 0, 1e9),
    rateLimitBurst: integer(env, 'AGENTTRAIL_RATE_LIMIT_BURST', 2_000, 1, 1e9),
    idempotencyTtlMs: integer(env, 'AGENTTRAIL_IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 365) * 3_600_000,
    maxCommitEvents: integer(env, 'AGENTTRAIL_MAX_COMMIT_EVENTS', 5_000, 1, 100_000),
    catchUpIntervalMs: integer(env, 'AGENTTRAIL_CATCH_UP_INTERVAL_MS', 250, 10, 60_000),
    initApiKey: env.AGENTTRAIL_INIT_API_KEY || undefined,
    initOrg: env.AGENTTRAIL_INIT_ORG || 'default',
    shutdownTimeoutMs: integer(env, 'AGENTTRAIL_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    archiveRetentionDays: integer(env, 'AGENTTRAIL_ARCHIVE_RETENTION_DAYS', 180, 1, 36_500),
    jobIntervalMs: integer(env, 'AGENTTRAIL_JOB_INTERVAL_MS', 3_600_000, 1_000, 86_400_000),
    approvalTtlMs: integer(env, 'AGENTTRAIL_APPROVAL_TTL_MINUTES', 30, 1, 30 * 24 * 60) * 60_000,
    publicUrl: httpUrl(env, 'AGENTTRAIL_PUBLIC_URL'),
    mcpAllowedOrigins: origins(env, 'AGENTTRAIL_MCP_ALLOWED_ORIGINS'),
    pagerdutyUrl:
      httpUrl(env, 'AGENTTRAIL_PAGERDUTY_URL') ?? 'https://events.pagerduty.com/v2/enqueue',
    smtpUrl: smtpUrl(env.AGENTTRAIL_SMTP_URL),
    smtpFrom: env.AGENTTRAIL_SMTP_FROM || undefined,
    outboundAllow: env.AGENTTRAIL_OUTBOUND_ALLOW || undefined,
    secretKey: env.AGENTTRAIL_SECRET_KEY || undefined,
    deliveryTimeoutMs: integer(env, 'AGENTTRAIL_DELIVERY_TIMEOUT_MS', 15_000, 100, 120_000),
    deliveryRetryDelaysMs: retryDelays(env.AGENTTRAIL_DELIVERY_RETRY_SECONDS),
    deliveryPollMs: integer(env, 'AGENTTRAIL_DELIVERY_POLL_MS', 1_000, 10, 60_000),
    deliveryWorker: flag(env, 'AGENTTRAIL_DELIVERY_WORKER', true),
    alertIntervalMs: integer(env, 'AGENTTRAIL_ALERT_INTERVAL_MS', 60_000, 0, 86_400_000),
    x402SettleTimeoutMs: integer(env, 'AGENTTRAIL_X402_SETTLE_TIMEOUT_MS', 30_000, 100, 300_000),
    streamMaxPerKey: integer(env, 'AGENTTRAIL_STREAM_MAX_PER_KEY', 10, 1, 10_000),
    streamQueueBytes: integer(
      env,
      'AGENTTRAIL_STREAM_QUEUE_BYTES',
      1_048_576,
      1_024,
      1_073_741_824,
    ),
    streamHeartbeatMs: integer(env, 'AGENTTRAIL_STREAM_HEARTBEAT_MS', 30_000, 10, 3_600_000),
    streamPollMs: integer(env, 'AGENTTRAIL_STREAM_POLL_MS', 3_000, 10, 600_000),
    dashboardDir: resolve(env.AGENTTRAIL_DASHBOARD_DIR || DEFAULT_DASHBOARD_DIR),
    logKeyFile: env.AGENTTRAIL_LOG_KEY_FILE ? resolve(env.AGENTTRAIL_LOG_KEY_FILE) : undefined,
    logOrigin: logOrigin(env.AGENTTRAIL_LOG_ORIGIN),
    logMirrorDir: env.AGENTTRAIL_LOG_MIRROR_DIR
      ? resolve(env.AGENTTRAIL_LOG_MIRROR_DIR)
      : undefined,
    checkpointIntervalMs: integer(env, 'AGENTTRAIL_LOG_CHECKPOINT_MS', 1_000, 10, 60_000),
    heartbeatMs: integer(env, 'AGENTTRAIL_LOG_HEARTBEAT_MS', 3_600_000, 1_000, 86_400_000),
  }
  return { ...config, ...overrides }
}

/** The log signing key's file: `logKeyFile`, or `<dataDir>/log-keys/current.pem`. */
export function logKeyPath(config: Pick<Config, 'logKeyFile' | 'dataDir'>): string {
  return config.logKeyFile ?? join(config.dataDir, 'log-keys', 'current.pem')
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(
      `${name} must be a whole number from ${min} to ${max}, not "${raw.slice(0, 40)}"`,
    )
  return value
}

function databaseUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  if (!/^postgres(ql)?:\/\//.test(raw))
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://')
  return raw
}

/** An http(s) URL with its trailing slashes trimmed; the value is not echoed (it may hold a token). */
function httpUrl(env: Env, name: string): string | undefined {
  const raw = env[name]
  if (!raw) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be an http:// or https:// URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`${name} must be an http:// or https:// URL`)
  return raw.replace(/\/+$/, '')
}

/** A comma-separated list of http(s) origins, each reduced to `scheme://host[:port]`. */
function origins(env: Env, name: string): string[] {
  const raw = env[name]
  if (!raw) return []
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      let url: URL
      try {
        url = new URL(part)
      } catch {
        throw new ConfigError(`${name}: "${part}" is not an origin such as https://app.example.com`)
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new ConfigError(`${name}: "${part}" must start with http:// or https://`)
      return url.origin
    })
}

/** The credentials it may carry are never echoed. */
function smtpUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  if (!/^smtps?:\/\/[^/]/.test(raw))
    throw new ConfigError('AGENTTRAIL_SMTP_URL must start with smtp:// or smtps://')
  return raw
}

/** A signed-note key name's first part: printable, without spaces or `+` (C2SP signed-note). */
function logOrigin(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  if (raw.length > 200 || !/^[\x21-\x7e]+$/.test(raw) || raw.includes('+'))
    throw new ConfigError(
      'AGENTTRAIL_LOG_ORIGIN must be at most 200 printable ASCII characters without spaces or "+", such as audit.example.com',
    )
  return raw
}

function logLevel(raw: string | undefined): LogLevel {
  const value = (raw || 'info').toLowerCase()
  if (['debug', 'info', 'warn', 'error', 'silent'].includes(value)) return value as LogLevel
  throw new ConfigError(
    `AGENTTRAIL_LOG_LEVEL must be one of debug, info, warn, error, silent, not "${value.slice(0, 40)}"`,
  )
}

function retryDelays(raw: string | undefined): readonly number[] | undefined {
  if (raw === undefined || raw === '') return undefined
  const parts = raw.split(',').map((p) => p.trim())
  const seconds = parts.map(Number)
  if (parts.length > 20 || seconds.some((n, i) => parts[i] === '' || !(n >= 0 && n <= 7 * 86_400)))
    throw new ConfigError(
      'AGENTTRAIL_DELIVERY_RETRY_SECONDS must be at most 20 comma-separated waits in seconds, each from 0 to 604800',
    )
  return seconds.map((n) => Math.round(n * 1000))
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw new ConfigError(`${name} must be true or false, not "${raw.slice(0, 40)}"`)
}
