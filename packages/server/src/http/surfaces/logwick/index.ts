import { defineSurface } from '../../surface.js'
import { renderLogwickError } from './logwick-errors.js'
import { agentLogRoutes } from './agent-log-routes.js'
import { logwickRoutes } from './logwick-routes.js'

/**
 * Logwick (shared/reference/000): `/api/v1/logs` ingest, query and export, and logs paid per entry
 * with x402 (`/api/v1/agent-log`, docs/x402.md). Its fields of `/api/v1/stats` are computed in
 * `logwick-stats.ts`.
 */
export const logwickSurface = defineSurface({
  name: 'logwick',
  renderError: renderLogwickError,
  routes(router, deps) {
    logwickRoutes(router, deps.store, deps.ingest)
    agentLogRoutes(router, deps)
  },
})
