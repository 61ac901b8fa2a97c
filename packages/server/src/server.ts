import { join } from 'node:path'
import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { bootstrapKeys } from './bootstrap.js'
import { lockDataDir } from './data-dir-lock.js'
import type { Config } from './config.js'
import { enforcement } from './control/engine.js'
import { createApp } from './http/app.js'
import { createGroupCommitter } from './ingest/group-committer.js'
import { createAgentRegistrationGate } from './ingest/agent-registration-gate.js'
import { createIngestService } from './ingest/ingest-service.js'
import { createPlanRateGate, createPlanQuota } from './ingest/plan-gate.js'
import { startEvaluator } from './alerts/evaluator.js'
import { startArchive } from './jobs/archive.js'
import { startCatchUp } from './jobs/catch-up.js'
import { startCheckpoints } from './jobs/checkpoints.js'
import { logKeyPath } from './config.js'
import { openLogSigner } from './log/log-signer.js'
import type { LogSigner } from './log/log-signer.js'
import { LogKeyError } from './log/log-key-file.js'
import { rotateLogKey } from './log/rotate-log-key.js'
import type { LogKeyRotation } from './log/rotate-log-key.js'
import { startHourlyPurge } from './jobs/hourly-purge.js'
import { startRetention } from './jobs/retention.js'
import type { Logger } from './log.js'
import { createLogger } from './log.js'
import { createSettingsCache } from './orgs/settings-cache.js'
import { createPublisher, serverSecretBox } from './notify/publisher.js'
import type { SecretBox } from './notify/secret-box.js'
import { openPostgresStore } from './store/postgres/postgres-store.js'
import { openSqliteStore } from './store/sqlite/sqlite-store.js'
import type { Store } from './store/store.js'

export const VERSION = '0.1.0'

export interface RunningServer {
  url: string
  port: number
  store: Store
  /** Stops accepting, waits for in-flight requests and commits, closes the store. Idempotent. */
  close(): Promise<void>
}

export interface StartOptions {
  logger?: Logger
  /** Where the first key is announced. Default: stderr. */
  announce?: (text: string) => void
  /** Use this store instead of opening one from the config. */
  store?: Store
}

/**
 * PostgreSQL when `DATABASE_URL` is set, else SQLite in the data folder. Either runs the control
 * engine's enforcement step inside its appends and checks (the store does not import the engine).
 */
export async function openStore(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'databasePoolSize'> &
    Partial<Pick<Config, 'streamPollMs'>>,
): Promise<Store> {
  if (config.databaseUrl)
    return openPostgresStore({
      url: config.databaseUrl,
      poolSize: config.databasePoolSize,
      enforce: enforcement,
      ...(config.streamPollMs !== undefined && { streamPollMs: config.streamPollMs }),
    })
  return openSqliteStore({ path: join(config.dataDir, 'agenttrail.db'), enforce: enforcement })
}

/** The pipeline and the HTTP app on a store, without a socket: what `startServer` serves and tests call in memory. */
export function createServices(
  config: Config,
  store: Store,
  logger: Logger,
  secrets: SecretBox = serverSecretBox(config, false),
) {
  const committer = createGroupCommitter(store.events, { maxEvents: config.maxCommitEvents })
  const settings = createSettingsCache(store.orgs)
  // Every ingest path of every surface passes these, in order: registration (404), then plan limits (429, 403).
  const gates = [createAgentRegistrationGate(store.events), createPlanRateGate(store)]
  const ingest = createIngestService({
    committer,
    idempotency: store.idempotency,
    idempotencyTtlMs: config.idempotencyTtlMs,
    settings,
    gates,
    quota: createPlanQuota(store),
  })
  const limiter =
    config.rateLimitPerSecond > 0
      ? store.rateLimiter({ perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst })
      : undefined
  const publisher = createPublisher({ config, store, logger, secrets })
  const app = createApp({
    store,
    publish: publisher.deps,
    ingest,
    committer,
    settings,
    logger,
    limiter,
    version: VERSION,
    config,
  })
  return { committer, ingest, settings, app, publisher }
}

export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel)
  // The data-folder lock guards the embedded store; PostgreSQL is shared by design.
  const unlock = options.store || config.databaseUrl ? () => {} : lockDataDir(config.dataDir)
  const store = options.store ?? (await openStore(config))
  // The key that signs the integrity log's checkpoints; a key file that cannot be used stops the start.
  const logSigner = await openServerLogSigner(config, store, logger).catch(
    async (error: unknown) => {
      if (!options.store) await store.close()
      unlock()
      throw error
    },
  )
  await bootstrapKeys(
    store.keys,
    config,
    options.announce ?? ((text) => process.stderr.write(text)),
    logger,
  )
  const { committer, app, publisher } = createServices(
    config,
    store,
    logger,
    serverSecretBox(config, true),
  )
  if (config.databaseUrl && !config.secretKey)
    logger.warn(
      'AGENTTRAIL_SECRET_KEY is not set: stored secrets are sealed with the key in this data folder, so other servers on this database cannot deliver them; give every server the same AGENTTRAIL_SECRET_KEY',
    )
  // Every server delivers unless told not to (on PostgreSQL they share the deliveries through row
  // locks; one that does not deliver still writes the outbox in its appends).
  if (config.deliveryWorker) publisher.start()
  const catchUp = startCatchUp(store.events, { intervalMs: config.catchUpIntervalMs, logger })
  // Alert rules and anomaly detectors: evaluated by the process that leads the `alerts` job.
  const evaluator =
    config.alertIntervalMs > 0
      ? startEvaluator({ store, logger, intervalMs: config.alertIntervalMs })
      : undefined
  // Signed checkpoints of every org's log: by the process that leads the `checkpoints` job, among
  // those that hold the current key.
  const checkpoints = logSigner
    ? startCheckpoints({
        store,
        signer: logSigner,
        heartbeatMs: config.heartbeatMs,
        intervalMs: config.checkpointIntervalMs,
        ...(config.logMirrorDir !== undefined && { mirrorDir: config.logMirrorDir }),
        logger,
      })
    : undefined
  const purge = startHourlyPurge(store, { ttlMs: config.idempotencyTtlMs, logger })
  // The maintenance jobs act only in the process that leads them (store.tryLead: on PostgreSQL one
  // server of many), except that every process removes archive files its data folder should no
  // longer hold. Daily activity archives live in the data folder on either store.
  const jobs = { logger, intervalMs: config.jobIntervalMs }
  const retention = startRetention({ store, committer, dataDir: config.dataDir, ...jobs })
  const archive = startArchive({
    store,
    dataDir: config.dataDir,
    retentionDays: config.archiveRetentionDays,
    ...jobs,
  })

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.hono.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s as Server),
    ) as Server
    s.once('error', reject)
  })
  server.keepAliveTimeout = 65_000
  const { port } = server.address() as AddressInfo
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  logger.info('listening', {
    url,
    store: store.dialect,
    ...(store.dialect === 'sqlite' ? { data_dir: config.dataDir } : {}),
  })

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down', { inflight: app.inflight.count })
      // Live streams never end by themselves: end them so their connections can close.
      app.streams.close()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const deadline = Date.now() + config.shutdownTimeoutMs
      while (app.inflight.count > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10))
      server.closeAllConnections()
      await stopped
      // Stopped first: a running pass may still append its audit event, which the drain then commits.
      await retention.stop()
      await evaluator?.stop()
      await committer.drain()
      await checkpoints?.stop()
      await publisher.stop()
      purge.stop()
      await archive.stop()
      await catchUp.stop()
      await store.close()
      unlock()
      logger.info('stopped')
    })())
  return { url, port, store, close }
}

/**
 * The log signer of this server. On PostgreSQL a server whose key file is missing or holds another
 * key than the log's current one still serves, but signs nothing (it never asks to lead the
 * checkpoint job, so a server with the current key does): an error says so at start. On SQLite,
 * where this process is the only signer, that refuses the start (LogKeyError), as does a file that
 * cannot be read or holds no Ed25519 key on either store.
 */
async function openServerLogSigner(
  config: Config,
  store: Store,
  logger: Logger,
): Promise<LogSigner | undefined> {
  try {
    return await openLogSigner(store, { keyFile: logKeyPath(config), origin: config.logOrigin })
  } catch (error) {
    if (!(error instanceof LogKeyError) || !config.databaseUrl || error.reason === 'unusable')
      throw error
    logger.error('this server does not sign integrity checkpoints', { reason: error.message })
    return undefined
  }
}

/**
 * `agenttrail log rotate-key`: rotates the log signing key of the store `config` names, with its
 * servers stopped (log/rotate-log-key.ts). The embedded store's data folder is locked meanwhile (a
 * running server holds the lock: DataDirLockedError); with PostgreSQL the operator stops every
 * server first and then gives each the new key file. Offline by design: every server of a database
 * must sign with the same key, and a rotation is a rare, deliberate act.
 */
export async function rotateLogKeyOffline(config: Config): Promise<LogKeyRotation> {
  const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir, { waitMs: 0 })
  try {
    const store = await openStore(config)
    try {
      return await rotateLogKey(store, { keyFile: logKeyPath(config), origin: config.logOrigin })
    } finally {
      await store.close()
    }
  } finally {
    unlock()
  }
}
