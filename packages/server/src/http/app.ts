import { Hono } from 'hono'
import type { z } from 'zod'
import { AppError } from '../app-error.js'
import type { RateLimiter } from '../auth/rate-limiter.js'
import type { Config } from '../config.js'
import type { GroupCommitter } from '../ingest/group-committer.js'
import type { IngestService } from '../ingest/ingest-service.js'
import type { SettingsCache } from '../orgs/settings-cache.js'
import type { Logger } from '../log.js'
import type { Store } from '../store/store.js'
import type { AppEnv } from './app-env.js'
import { createErrorHandler } from './error-handler.js'
import { authenticate } from './middleware/auth.js'
import { requestLog } from './middleware/request-log.js'
import { ErrorBodySchema, buildOpenApi, declaredResponses } from './openapi.js'
import type { RouteSpec } from './route-spec.js'
import { Router } from './router.js'
import { agentRegistrationRoutes } from './routes/agent-registration-routes.js'
import { agentRoutes } from './routes/agent-routes.js'
import { agentControlRoutes } from './routes/agent-control-routes.js'
import { approvalRoutes } from './routes/approval-routes.js'
import { checkRoutes } from './routes/check-routes.js'
import { sdkCheckRoutes } from './surfaces/agentwarden/sdk-check-routes.js'
import { createCheckService } from '../control/check-service.js'
import { alertRoutes } from './routes/alert-routes.js'
import { budgetRoutes } from './routes/budget-routes.js'
import { conversationRoutes } from './routes/conversation-routes.js'
import { eventRoutes } from './routes/event-routes.js'
import { healthRoutes } from './routes/health-routes.js'
import { keyRoutes } from './routes/key-routes.js'
import { orgRoutes } from './routes/org-routes.js'
import { policyRoutes } from './routes/policy-routes.js'
import { statsRoutes } from './routes/stats-routes.js'
import { actionRoutes } from './surfaces/agentledger/action-routes.js'
import { renderAgentLedgerError } from './surfaces/agentledger/agentledger-errors.js'
import { AgentLedgerErrorSchema } from './surfaces/agentledger/action-schemas.js'
import { exportRoutes } from './surfaces/agentledger/export-routes.js'
import { traceRoutes } from './surfaces/agentledger/trace-routes.js'
import {
  AgentWardenErrorSchema,
  renderAgentWardenError,
} from './surfaces/agentwarden/agentwarden-errors.js'
import { sdkLogRoutes } from './surfaces/agentwarden/sdk-log-routes.js'
import { renderLogwickError } from './surfaces/logwick/logwick-errors.js'
import { logwickRoutes } from './surfaces/logwick/logwick-routes.js'
import { renderWiroError } from './surfaces/wiro/wiro-errors.js'
import { wiroRoutes } from './surfaces/wiro/wiro-routes.js'
import { WiroErrorSchema } from './surfaces/wiro/wiro-schemas.js'
import type { Surface } from './surface.js'

/** Each surface's error body: the shape of the responses the router and auth answer on its routes. */
const ERROR_SCHEMAS: Record<Surface, z.ZodType> = {
  native: ErrorBodySchema,
  agentledger: AgentLedgerErrorSchema,
  logwick: ErrorBodySchema,
  agentwarden: AgentWardenErrorSchema,
  wiro: WiroErrorSchema,
}

export interface AppDeps {
  store: Store
  ingest: IngestService
  /** Appends the server's own audit records, which no ingest gate may refuse. */
  committer: Pick<GroupCommitter, 'append'>
  settings: SettingsCache
  logger: Logger
  config: Config
  /** Absent: no rate limit. */
  limiter?: RateLimiter
  version: string
}

export interface App {
  hono: Hono<AppEnv>
  /** Requests being handled right now (for graceful shutdown). */
  inflight: { count: number }
  /** Every route as declared, with every response it can answer (`declaredResponses`). */
  routes: readonly RouteSpec[]
}

export function createApp(deps: AppDeps): App {
  const hono = new Hono<AppEnv>()
  const inflight = { count: 0 }
  hono.use('*', requestLog(deps.logger, inflight))
  hono.onError(
    createErrorHandler(deps.logger, {
      agentledger: renderAgentLedgerError,
      logwick: renderLogwickError,
      wiro: renderWiroError,
      agentwarden: renderAgentWardenError,
    }),
  )
  hono.notFound((c) =>
    c.json({ error: `no route for ${c.req.method} ${c.req.path}`, code: 'not_found' }, 404),
  )

  const router = new Router(hono, authenticate(deps.store.keys, deps.limiter))
  healthRoutes(router, deps.store)
  eventRoutes(router, deps.store, deps.ingest)
  statsRoutes(router, deps.store)
  agentRoutes(router, deps.store)
  agentRegistrationRoutes(router, deps.store)
  conversationRoutes(router, deps.store)
  keyRoutes(router, deps.store)
  orgRoutes(router, deps.settings)
  policyRoutes(router, deps)
  budgetRoutes(router, deps)
  alertRoutes(router, deps)
  const check = createCheckService(deps.store, deps.ingest, deps.config.approvalTtlMs)
  checkRoutes(router, check)
  sdkCheckRoutes(router, check)
  agentControlRoutes(router, deps.store)
  approvalRoutes(router, deps.store)
  actionRoutes(router, deps.store, deps.ingest)
  traceRoutes(router, deps.store)
  exportRoutes(router, deps.store)
  logwickRoutes(router, deps.store, deps.ingest)
  sdkLogRoutes(router, deps.ingest)
  wiroRoutes(router, deps)

  const routes = router.specs.map((spec) => ({
    ...spec,
    responses: declaredResponses(spec, ERROR_SCHEMAS[spec.surface ?? 'native']),
  }))
  const openapi = buildOpenApi(routes, { version: deps.version })
  hono.get('/api/openapi.json', (c) => c.json(openapi))
  // A known path with an unknown method is a 405, not a 404.
  const known = router.specs.map((s) => new RegExp(`^${s.path.replace(/\{\w+\}/g, '[^/]+')}$`))
  hono.all('*', (c) => {
    if (known.some((re) => re.test(c.req.path)))
      throw new AppError('method_not_allowed', `${c.req.method} is not supported on ${c.req.path}`)
    return c.notFound()
  })
  return { hono, inflight, routes }
}
