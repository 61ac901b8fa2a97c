import { Hono } from 'hono'
import type { z } from 'zod'
import { AppError } from '../app-error.js'
import type { AppDeps, AppEnv } from './app-env.js'
import { createDashboard } from './dashboard-static.js'
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
import { createCheckService } from '../ingest/check-service.js'
import { alertRoutes } from './routes/alert-routes.js'
import { alertRuleRoutes } from './routes/alert-rule-routes.js'
import { baselineRoutes } from './routes/baseline-routes.js'
import { budgetRoutes } from './routes/budget-routes.js'
import { conversationRoutes } from './routes/conversation-routes.js'
import { eventRoutes } from './routes/event-routes.js'
import { eventDeleteRoute } from './routes/event-delete-route.js'
import { erasureRoutes } from './routes/erasure-routes.js'
import { evaluationRoutes } from './routes/evaluation-routes.js'
import { healthRoutes } from './routes/health-routes.js'
import { keyRoutes } from './routes/key-routes.js'
import { logRoutes } from './routes/log-routes.js'
import { orgRoutes } from './routes/org-routes.js'
import { orgUsageRoute } from './routes/org-usage-route.js'
import { policyRoutes } from './routes/policy-routes.js'
import { notificationRoutes } from './routes/notification-routes.js'
import { rollbackHookRoutes } from './routes/rollback-hook-routes.js'
import { webhookRoutes } from './routes/webhook-routes.js'
import { x402Routes } from './routes/x402-routes.js'
import { statsRoutes } from './routes/stats-routes.js'
import { streamRoutes } from './routes/stream-routes.js'
import { sessionRoutes } from './routes/session-routes.js'
import { whoamiRoute } from './routes/whoami-route.js'
import { errorFields } from '../log.js'
import { createStreamHub } from '../notify/stream-hub.js'
import type { StreamHub } from '../notify/stream-hub.js'
import { mcpRoutes } from './mcp/mcp-routes.js'
import { mountSurfaces, surfaceRenderers } from './surface.js'
import type { SurfaceModule } from './surface.js'
import { SURFACES } from './surfaces.js'

/** The error body of a route's surface (what the router and auth answer on its routes), and its media types. */
function errorShapeOf(surface: string | undefined): [z.ZodType, readonly string[] | undefined] {
  const module: SurfaceModule | undefined = SURFACES.find((s) => s.name === surface)
  return [module?.errorSchema ?? ErrorBodySchema, module?.errorContentTypes]
}

export interface App {
  hono: Hono<AppEnv>
  /** Requests being handled right now (for graceful shutdown). */
  inflight: { count: number }
  /** Every route as declared, with every response it can answer (`declaredResponses`). */
  routes: readonly RouteSpec[]
  /** The live streams (`GET /api/v1/stream`); closed at shutdown before the store. */
  streams: StreamHub
}

export function createApp(deps: AppDeps): App {
  const hono = new Hono<AppEnv>()
  const inflight = { count: 0 }
  hono.use('*', requestLog(deps.logger, inflight))
  // No answer is to be sniffed into another type (a JSON payload rendered as HTML, say).
  hono.use('*', async (c, next) => {
    await next()
    c.header('X-Content-Type-Options', 'nosniff')
  })
  hono.onError(createErrorHandler(deps.logger, surfaceRenderers(SURFACES)))
  hono.notFound((c) =>
    c.json({ error: `no route for ${c.req.method} ${c.req.path}`, code: 'not_found' }, 404),
  )

  const router = new Router(
    hono,
    authenticate(deps.store.keys, deps.limiter, { publicUrl: deps.config.publicUrl }),
  )
  healthRoutes(router, deps.store)
  sessionRoutes(router, deps.store, deps.config.publicUrl)
  whoamiRoute(router)
  eventRoutes(router, deps.store, deps.ingest)
  eventDeleteRoute(router, deps)
  logRoutes(router, deps)
  erasureRoutes(router, deps)
  statsRoutes(router, deps.store)
  agentRoutes(router, deps.store)
  agentRegistrationRoutes(router, deps.store)
  conversationRoutes(router, deps.store)
  keyRoutes(router, deps.store)
  orgRoutes(router, deps.settings)
  orgUsageRoute(router, deps)
  policyRoutes(router, deps)
  budgetRoutes(router, deps)
  alertRoutes(router, deps)
  evaluationRoutes(router, deps)
  alertRuleRoutes(router, deps)
  baselineRoutes(router, deps)
  webhookRoutes(router, deps)
  notificationRoutes(router, deps)
  rollbackHookRoutes(router, deps)
  x402Routes(router, deps)
  const check = createCheckService(deps.store, deps.ingest, deps.config.approvalTtlMs)
  checkRoutes(router, check)
  agentControlRoutes(router, deps.store)
  approvalRoutes(router, deps.store)
  const streams = createStreamHub({
    store: deps.store,
    maxPerKey: deps.config.streamMaxPerKey,
    queueBytes: deps.config.streamQueueBytes,
    heartbeatMs: deps.config.streamHeartbeatMs,
    onError: (error) => deps.logger.error('live stream read failed', errorFields(error)),
  })
  streamRoutes(router, deps.store, streams)
  mountSurfaces(router, SURFACES, { ...deps, check })
  mcpRoutes(router, hono, deps.config)

  const routes = router.specs.map((spec) => ({
    ...spec,
    responses: declaredResponses(spec, ...errorShapeOf(spec.surface)),
  }))
  const openapi = buildOpenApi(routes, { version: deps.version })
  hono.get('/api/openapi.json', (c) => c.json(openapi))
  // A known path with an unknown method is a 405, not a 404.
  const known = router.specs.map((s) => new RegExp(`^${s.path.replace(/\{\w+\}/g, '[^/]+')}$`))
  // Last, so every API route keeps precedence: the web dashboard, at `/`.
  const dashboard = createDashboard(deps.config.dashboardDir)
  hono.all('*', (c) => {
    if (known.some((re) => re.test(c.req.path)))
      throw new AppError('method_not_allowed', `${c.req.method} is not supported on ${c.req.path}`)
    return dashboard.serve(c) ?? c.notFound()
  })
  return { hono, inflight, routes, streams }
}
