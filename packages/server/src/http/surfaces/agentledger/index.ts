import { defineSurface } from '../../surface.js'
import { actionRoutes } from './action-routes.js'
import { AgentLedgerErrorSchema } from './action-schemas.js'
import { renderAgentLedgerError } from './agentledger-errors.js'
import { exportRoutes } from './export-routes.js'
import { traceRoutes } from './trace-routes.js'

/**
 * AgentLedger (shared/reference/004, agentledger-wire.md): the action log, traces and export.
 * Its agent controls, checks, approvals, policies and budgets are the native routes, which answer
 * its SDK as they are; its fields of `/api/v1/stats` and `/api/v1/agents/{name}` are computed in
 * `agentledger-stats.ts` and `agentledger-agent.ts`.
 */
export const agentLedgerSurface = defineSurface({
  name: 'agentledger',
  renderError: renderAgentLedgerError,
  errorSchema: AgentLedgerErrorSchema,
  routes(router, deps) {
    actionRoutes(router, deps.store, deps.ingest)
    traceRoutes(router, deps.store)
    exportRoutes(router, deps.store)
  },
})
