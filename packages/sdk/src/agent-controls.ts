import { AgentTrailError } from './errors.js'
import { fitValue } from './event-serializer.js'
import { httpError } from './http-transport.js'
import type { HttpTransport } from './http-transport.js'
import { sleep } from './retry.js'
import { pathSegment } from './trail-reader.js'

// The AgentLedger-compatible control calls (shared/reference/agentledger-wire.md §1.2): same paths,
// bodies and error messages as agentledger 0.5.0, so code that matches on them ports unchanged.

export interface CheckOptions {
  agent: string
  service?: string
  action?: string
  /** Sent so cost policies can decide before the action runs (AgentLedger could only after). */
  costCents?: number
  /** Sent so payload policies can decide before the action runs; over 256 KiB it becomes a truncation marker. */
  input?: unknown
  traceId?: string
}

/** The server's decision. A missing or false `allowed` means blocked. */
export interface CheckResult {
  allowed: boolean
  blockReason?: string
  requiresApproval?: boolean
  approvalId?: string
  remainingBudget?: { actions?: number; costCents?: number }
  [field: string]: unknown
}

export interface EvaluateOptions {
  /** 0 to 100. */
  score: number
  label?: string
  feedback?: string
  evaluatedBy?: string
}

export interface WaitForApprovalOptions {
  /** Give up and answer `'expired'` after this many ms. Default 300 000 (5 minutes). */
  timeout?: number
  /** Time between two looks, in ms. Default 3000. */
  pollInterval?: number
}

export type ApprovalDecision = 'approved' | 'denied' | 'expired' | (string & {})

export interface ControlContext {
  transport: HttpTransport
  environment: string
}

/** POST /api/v1/check. Throws on a non-2xx answer or one that is not a JSON object. */
export async function checkAction(
  ctx: ControlContext,
  options: CheckOptions,
): Promise<CheckResult> {
  const body: Record<string, unknown> = {
    agent: options.agent,
    service: options.service,
    action: options.action,
    environment: ctx.environment,
  }
  if (options.costCents !== undefined) body.cost_cents = options.costCents
  if (options.input !== undefined) body.input = fitValue(options.input)
  if (options.traceId) body.trace_id = options.traceId
  const res = await ctx.transport.request('POST', '/api/v1/check', { body: JSON.stringify(body) })
  if (!res.ok) throw httpError('AgentLedger: Check failed', res)
  if (typeof res.json !== 'object' || res.json === null || Array.isArray(res.json))
    throw new AgentTrailError(`AgentLedger: Check failed (${res.status})`, {
      status: res.status,
      code: 'invalid_response',
    })
  return res.json as CheckResult
}

/** The server's answer to a pause, resume or kill. */
export interface AgentControlResult {
  /** The agent's status now. */
  status: 'active' | 'paused' | 'killed'
  agent: string
  environment: string
  /** False when it already was in that status. */
  changed: boolean
  /** True when the agent had not been seen yet and was registered in that status. */
  registered: boolean
}

/**
 * POST /api/v1/agents/:name/{pause|resume|kill}?environment=, no body. Resolves to the server's
 * answer (AgentLedger resolved to nothing, so its callers ignore it); throws its error messages.
 */
export async function controlAgent(
  ctx: ControlContext,
  name: string,
  verb: 'pause' | 'resume' | 'kill',
): Promise<AgentControlResult> {
  const path = `/api/v1/agents/${pathSegment(name, 'name')}/${verb}?environment=${encodeURIComponent(ctx.environment)}`
  const res = await ctx.transport.request('POST', path)
  if (!res.ok) throw httpError(`AgentLedger: Failed to ${verb} agent`, res)
  const answer = (res.json ?? {}) as Partial<AgentControlResult>
  return {
    status: answer.status as AgentControlResult['status'],
    agent: answer.agent ?? name,
    environment: answer.environment ?? ctx.environment,
    changed: answer.changed === true,
    registered: answer.registered === true,
  }
}

/** POST /api/v1/evaluations with the optional keys left out when undefined. */
export async function evaluateAction(
  ctx: ControlContext,
  actionId: string,
  options: EvaluateOptions,
): Promise<{ id: string }> {
  const body: Record<string, unknown> = { action_id: actionId, score: options.score }
  if (options.label !== undefined) body.label = options.label
  if (options.feedback !== undefined) body.feedback = options.feedback
  if (options.evaluatedBy !== undefined) body.evaluated_by = options.evaluatedBy
  const res = await ctx.transport.request('POST', '/api/v1/evaluations', {
    body: JSON.stringify(body),
  })
  if (!res.ok) throw httpError('AgentLedger: Failed to create evaluation', res)
  return { id: res.json?.id }
}

/**
 * Polls GET /api/v1/approvals/:id until it is decided: the decided status, or `'expired'` when the
 * server says pending past `expires_at` or the local timeout passes first.
 */
export async function waitForApproval(
  ctx: ControlContext,
  approvalId: string,
  options: WaitForApprovalOptions = {},
): Promise<ApprovalDecision> {
  const timeout = options.timeout ?? 300_000
  const pollInterval = options.pollInterval ?? 3000
  const deadline = Date.now() + timeout
  while (Date.now() < deadline) {
    const res = await ctx.transport.request(
      'GET',
      `/api/v1/approvals/${encodeURIComponent(approvalId)}`,
    )
    if (!res.ok) throw httpError('AgentLedger: Failed to fetch approval status', res)
    const data = (res.json ?? {}) as { status?: string; expires_at?: string }
    if (
      data.status === 'pending' &&
      data.expires_at !== undefined &&
      new Date(data.expires_at) < new Date()
    )
      return 'expired'
    if (data.status !== 'pending') return data.status as ApprovalDecision
    // Held open on purpose: the caller is awaiting a person's decision.
    await sleep(Math.min(pollInterval, Math.max(0, deadline - Date.now())), undefined, true)
  }
  return 'expired'
}
