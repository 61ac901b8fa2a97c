import { defineSurface } from '../../surface.js'
import { AgentWardenErrorSchema, renderAgentWardenError } from './agentwarden-errors.js'
import { sdkCheckRoutes } from './sdk-check-routes.js'
import { sdkLogRoutes } from './sdk-log-routes.js'

/** AgentWarden (shared/reference/002): `POST /sdk/check` and `POST /sdk/log` under `X-API-Key`. */
export const agentWardenSurface = defineSurface({
  name: 'agentwarden',
  renderError: renderAgentWardenError,
  errorSchema: AgentWardenErrorSchema,
  routes(router, deps) {
    sdkCheckRoutes(router, deps.check)
    sdkLogRoutes(router, deps.ingest)
  },
})
