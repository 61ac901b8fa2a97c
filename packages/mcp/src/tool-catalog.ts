import { agentStatus, killAgent, pauseAgent, resumeAgent } from './tools/agent-tools.js'
import { listAlerts } from './tools/alert-tools.js'
import { decideApproval, listPendingApprovals } from './tools/approval-tools.js'
import { getCall, getConversation, listConversations } from './tools/conversation-tools.js'
import { costBreakdown } from './tools/cost-tools.js'
import { getEvent, getTrace, searchEvents } from './tools/event-tools.js'
import { explainDecision } from './tools/explain-decision.js'
import { deleteLog } from './tools/delete-log.js'
import { getLog, getStats, ingestLog, queryLogs } from './tools/logwick-tools.js'
import { logStatus, verifyEvent, verifyLog } from './tools/log-tools.js'
import type { TrailScope, TrailTool } from './trail-tool.js'

/** Every tool the server can offer, in the order `tools/list` answers them. */
export const TRAIL_TOOLS: readonly TrailTool[] = [
  ingestLog,
  queryLogs,
  getStats,
  getLog,
  deleteLog,
  searchEvents,
  getEvent,
  getTrace,
  listConversations,
  getConversation,
  getCall,
  costBreakdown,
  listAlerts,
  listPendingApprovals,
  explainDecision,
  logStatus,
  verifyEvent,
  verifyLog,
  agentStatus,
  pauseAgent,
  resumeAgent,
  killAgent,
  decideApproval,
]

/** A tool's name, the scope it needs and whether it changes anything: the public list. */
export interface TrailToolInfo {
  name: string
  scope: TrailScope
  writes: boolean
}

/** The tools, by name, scope and whether they write. */
export const TOOL_LIST: readonly TrailToolInfo[] = TRAIL_TOOLS.map(({ name, scope, writes }) => ({
  name,
  scope,
  writes,
}))

/**
 * The tools a key with `scopes` is offered: those whose scope it has (`admin` has every scope, as
 * on the server), minus every tool that writes when `readOnly`.
 */
export function toolsFor(scopes: readonly string[], readOnly = false): TrailTool[] {
  const has = (scope: TrailScope) => scopes.includes('admin') || scopes.includes(scope)
  return TRAIL_TOOLS.filter((tool) => has(tool.scope) && !(readOnly && tool.writes))
}
