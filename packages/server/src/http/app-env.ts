import type { IncomingMessage } from 'node:http'
import type { Config } from '../config.js'
import type { GroupCommitter } from '../ingest/group-committer.js'
import type { IngestService } from '../ingest/ingest-service.js'
import type { Logger } from '../log.js'
import type { PublishDeps } from '../notify/publisher.js'
import type { SettingsCache } from '../orgs/settings-cache.js'
import type { RateLimiter } from '../store/rate-limiter.js'
import type { ApiKeyRecord, Store } from '../store/store.js'

/** Hono's typed context for this app. `incoming` is absent when tested in memory. */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage }
  Variables: { requestId: string; apiKey: ApiKeyRecord; surface: string }
}

/** What the app is built from (server.ts `createServices`); routes take the part they need. */
export interface AppDeps {
  store: Store
  ingest: IngestService
  /** Appends the server's own audit records, which no ingest gate may refuse. */
  committer: Pick<GroupCommitter, 'append'>
  settings: SettingsCache
  /** The publish stage: sealing secrets, allowed destinations, waking the dispatcher. */
  publish: PublishDeps
  logger: Logger
  config: Config
  /** Absent: no rate limit. */
  limiter?: RateLimiter
  version: string
}
