import { createHash } from 'node:crypto'
import { normalizeEvent, uuidv7 } from '@agenttrail/protocol'
import type { ControlNote, NewEvent } from '@agenttrail/protocol'
import { PERMIT_TTL_MS } from './control-types.js'
import type { CheckInput, Decision, Unredacted } from './control-types.js'
import { budgetPeriod } from './budget-period.js'
import type { BudgetRecord } from './budget-record.js'
import { MATCH_TIMEOUT_MS, findPattern } from './bounded-match.js'
import { op } from './control-ops.js'
import { alertRecord } from './control-records.js'
import type { ActionKey, Counters, NewAlertRow, OpProgram } from './control-ops.js'
import { agentKey, budgetsFor, policiesFor, unrestricted } from './org-controls.js'
import type { CompiledPolicy, OrgControls } from './org-controls.js'
import type { CheckOutcome, ControlRecord, EnforceOutcome, Enforcement } from './enforcement.js'
import { compiledWorkerFile } from '../worker-file.js'

/** Kinds of event that are actions an agent takes, and so are counted and judged by the rules. */
export const CONTROLLED_KINDS: ReadonlySet<string> = new Set([
  'action',
  'llm_call',
  'tool_call',
  'http_call',
])

const MICROS_PER_CENT = 10_000

interface Refusal {
  rule: ControlNote['rule']
  reason: string
  policyId?: string
  budgetId?: string
}

/** SHA-256 of an input as stored (JSON text); of '' when there is none. Binds an approval to its action. */
export const inputHash = (input: string | null) =>
  createHash('sha256')
    .update(input ?? '')
    .digest('hex')

const actionKey = (e: NewEvent & { agent: string }): ActionKey => ({
  environment: e.environment,
  agent: e.agent,
  service: e.service ?? '',
  action: e.action ?? '',
})

const dollars = (micros: number) => `$${(micros / 1_000_000).toFixed(2)}`

/**
 * Decides an action before it happens, in this order: the agent's state (killed, paused), its
 * budgets (its own, then the org-wide ones), then the policies that apply to it, highest priority
 * first; the first refusal wins. A `require_approval` match passes only with an approved approval of
 * exactly this action that has not been used; otherwise it answers with the pending approval (the
 * same one for the same action) or creates one. When everything passes, the action is counted at
 * once (budgets, rate windows, the approval marked used) and a permit is left for its record.
 */
export function* decideCheck(
  orgId: string,
  input: CheckInput,
  now: number,
  version?: number,
): OpProgram<CheckOutcome> {
  const { event } = input
  yield* op('ensureAgent', orgId, event.environment, event.agent, now)
  const controls = yield* op('controls', orgId, version)
  const cost = event.cost_micros
  const refuse = (refusal: Refusal, remaining: Decision['remainingBudget'] = {}): CheckOutcome => {
    const note: ControlNote = { decision: 'denied', rule: refusal.rule, reason: refusal.reason }
    if (refusal.policyId) note.policy_id = refusal.policyId
    if (refusal.budgetId) note.budget_id = refusal.budgetId
    return {
      decision: {
        allowed: false,
        blockReason: refusal.reason,
        rule: refusal.rule,
        ...(refusal.policyId && { policyId: refusal.policyId }),
        ...(refusal.budgetId && { budgetId: refusal.budgetId }),
        remainingBudget: remaining,
        eventId: event.id,
      },
      records: [{ event: { ...event, status: 'denied', control: note }, system: false }],
    }
  }

  const stopped = stoppedRefusal(controls, event.environment, event.agent)
  if (stopped) return refuse(stopped)

  const budgets = budgetsFor(controls, event.environment, event.agent)
  const usage: Counters[] = []
  for (const b of budgets)
    usage.push(yield* op('budgetUsage', orgId, b.id, budgetPeriod(b.period, now).start))
  for (const [i, b] of budgets.entries()) {
    const u = usage[i] as Counters
    const maxCost = b.max_cost_cents === null ? null : b.max_cost_cents * MICROS_PER_CENT
    if (b.max_actions !== null && u.actions + 1 > b.max_actions)
      return refuse(
        {
          rule: 'budget',
          budgetId: b.id,
          reason: `${b.period} action budget exceeded (${u.actions}/${b.max_actions})`,
        },
        remainingOf(budgets, usage, { actions: true }),
      )
    if (
      maxCost !== null &&
      (cost === null ? u.cost_micros >= maxCost : u.cost_micros + cost > maxCost)
    )
      return refuse(
        {
          rule: 'budget',
          budgetId: b.id,
          reason:
            u.cost_micros >= maxCost || cost === null
              ? `${b.period} cost budget exceeded (${dollars(u.cost_micros)}/${dollars(maxCost)})`
              : `${b.period} cost budget would be exceeded (${dollars(u.cost_micros)} + ${dollars(cost)} of ${dollars(maxCost)})`,
        },
        remainingOf(budgets, usage, { cost: true }),
      )
  }

  const policies = policiesFor(controls, event.environment, event.agent)
  let approvalToUse: string | undefined
  for (const p of policies) {
    if (p.type === 'rate_limit') {
      const n = yield* op(
        'rateCount',
        orgId,
        p.id,
        event.environment,
        event.agent,
        now - p.config.window_seconds * 1000,
      )
      if (n >= p.config.max_actions) return refuse(rateRefusal(p, n))
      continue
    }
    if (p.type === 'require_approval') {
      if (!approvalApplies(p, event)) continue
      const key = { ...actionKey(event), input_hash: inputHash(event.input) }
      const found = yield* op('findApproval', orgId, key, now)
      if (found?.status === 'approved') {
        approvalToUse ??= found.id
        continue
      }
      const reason = 'Approval required by policy'
      const pending = {
        allowed: false,
        requiresApproval: true,
        rule: 'require_approval' as const,
        policyId: p.id,
        remainingBudget: {},
      }
      if (found) return { decision: { ...pending, approvalId: found.id }, records: [] }
      const id = uuidv7(now)
      yield* op('createApproval', orgId, {
        ...key,
        id,
        input: event.input,
        cost_micros: cost,
        policy_id: p.id,
        requested_at: now,
        expires_at:
          now +
          (p.config.expires_in_seconds === undefined
            ? input.approvalTtlMs
            : p.config.expires_in_seconds * 1000),
        requested_by: input.keyId,
        event_id: event.id,
      })
      const note: ControlNote = {
        decision: 'approval_required',
        rule: 'require_approval',
        reason,
        policy_id: p.id,
        approval_id: id,
      }
      return {
        decision: { ...pending, approvalId: id, eventId: event.id },
        records: [{ event: { ...event, status: 'pending', control: note }, system: false }],
      }
    }
    const refusal = contentRefusal(p, event, input.unredacted)
    if (refusal) return refuse(refusal)
  }

  // Allowed: the action is counted now, so that concurrent checks see it.
  if (approvalToUse !== undefined) yield* op('useApproval', orgId, approvalToUse, now)
  for (const p of policies)
    if (p.type === 'rate_limit')
      yield* op(
        'rateHit',
        orgId,
        p.id,
        event.environment,
        event.agent,
        now,
        now - p.config.window_seconds * 1000,
      )
  const records: ControlRecord[] = []
  for (const [i, b] of budgets.entries()) {
    const start = budgetPeriod(b.period, now).start
    usage[i] = yield* op('addBudgetUsage', orgId, b.id, start, 1, cost ?? 0)
    records.push(...(yield* thresholds(orgId, b, start, usage[i] as Counters, event, now)))
  }
  if (budgets.length > 0 || policies.length > 0)
    yield* op('createPermit', orgId, {
      ...actionKey(event),
      id: uuidv7(now),
      reserved_micros: cost ?? 0,
      created_at: now,
      expires_at: now + PERMIT_TTL_MS,
    })
  return { decision: { allowed: true, remainingBudget: remainingOf(budgets, usage, {}) }, records }
}

/**
 * The answer a check gets without a transaction: an org with nothing that could refuse (no policy,
 * no budget, no stopped agent) allows every action of an agent that already has its row, and such a
 * check writes nothing. Read from the org's committed controls, so a change that commits before the
 * read applies to it, as it would inside a transaction.
 */
export function freeDecision(controls: OrgControls, agentKnown: boolean): Decision | undefined {
  return agentKnown && unrestricted(controls) ? { allowed: true, remainingBudget: {} } : undefined
}

/**
 * Judges an action reported after it happened, inside the append that records it. It is always
 * recorded and always counted (the budgets and rate windows see what really happened); the first
 * rule it broke, in the check's order, is returned to be stored on the event as a `violation`.
 * When a check allowed it before (a permit for the same agent, service and action), what that check
 * decided stands and counted it already: only the real cost is settled against the budgets, and the
 * cost and payload rules are applied to what the record carries.
 */
export function* enforceEvent(
  orgId: string,
  event: NewEvent,
  now: number,
  version?: number,
): OpProgram<EnforceOutcome> {
  const none: EnforceOutcome = { note: null, records: [] }
  if (!isControlled(event)) return none
  const e = event as NewEvent & { agent: string }
  const controls = yield* op('controls', orgId, version)
  if (unrestricted(controls)) return none
  const budgets = budgetsFor(controls, e.environment, e.agent)
  const policies = policiesFor(controls, e.environment, e.agent)
  const stopped = stoppedRefusal(controls, e.environment, e.agent)
  const permit =
    budgets.length > 0 || policies.length > 0
      ? yield* op('claimPermit', orgId, actionKey(e), now)
      : undefined
  const cost = e.cost_micros ?? 0
  let first: Refusal | undefined = permit ? undefined : stopped
  const records: ControlRecord[] = []

  for (const b of budgets) {
    // A permit settles in the period of its check (the reservation is there), and only for a
    // budget that existed then; a record without a cost keeps the check's estimate.
    const settles = permit !== undefined && Date.parse(b.created_at) <= permit.created_at
    const start = budgetPeriod(b.period, settles ? permit.created_at : now).start
    const after = settles
      ? yield* op(
          'addBudgetUsage',
          orgId,
          b.id,
          start,
          0,
          e.cost_micros === null ? 0 : cost - permit.reserved_micros,
        )
      : yield* op('addBudgetUsage', orgId, b.id, start, 1, cost)
    const maxCost = b.max_cost_cents === null ? null : b.max_cost_cents * MICROS_PER_CENT
    if (b.max_actions !== null && after.actions > b.max_actions)
      first ??= {
        rule: 'budget',
        budgetId: b.id,
        reason: `${b.period} action budget exceeded (${after.actions}/${b.max_actions})`,
      }
    else if (maxCost !== null && after.cost_micros > maxCost)
      first ??= {
        rule: 'budget',
        budgetId: b.id,
        reason: `${b.period} cost budget exceeded (${dollars(after.cost_micros)}/${dollars(maxCost)})`,
      }
    records.push(...(yield* thresholds(orgId, b, start, after, e, now)))
  }

  for (const p of policies) {
    if (p.type === 'rate_limit') {
      if (permit) continue
      const since = now - p.config.window_seconds * 1000
      const n = yield* op('rateCount', orgId, p.id, e.environment, e.agent, since)
      yield* op('rateHit', orgId, p.id, e.environment, e.agent, now, since)
      if (n >= p.config.max_actions) first ??= rateRefusal(p, n + 1)
      continue
    }
    if (p.type === 'require_approval') {
      if (permit || first || !approvalApplies(p, e)) continue
      let found = yield* op(
        'findApproval',
        orgId,
        { ...actionKey(e), input_hash: inputHash(e.input) },
        now,
      )
      // An approval asked by a check that sent no input (AgentLedger's SDK never does) approved the
      // action whatever its payload: its record, which carries the input, may use it.
      if (found?.status !== 'approved' && e.input !== null)
        found = yield* op(
          'findApproval',
          orgId,
          { ...actionKey(e), input_hash: inputHash(null) },
          now,
        )
      if (found?.status === 'approved') yield* op('useApproval', orgId, found.id, now)
      else
        first = { rule: 'require_approval', policyId: p.id, reason: 'Approval required by policy' }
      continue
    }
    if (permit && (p.type === 'service_allowlist' || p.type === 'service_blocklist')) continue
    first ??= contentRefusal(p, e)
  }

  if (!first) return { note: null, records }
  const note: ControlNote = { decision: 'violation', rule: first.rule, reason: first.reason }
  if (first.policyId) note.policy_id = first.policyId
  if (first.budgetId) note.budget_id = first.budgetId
  const alert: NewAlertRow = {
    id: uuidv7(now),
    environment: e.environment,
    agent_name: e.agent,
    alert_type: 'policy_violation',
    severity: first.rule === 'agent_killed' ? 'critical' : 'warning',
    message: `${e.agent} ${describeAction(e)} broke a rule and was recorded: ${first.reason}`,
    metadata: { event_id: e.id, ...note },
    created_at: now,
  }
  yield* op('insertAlert', orgId, alert)
  records.push({ event: alertRecord(orgId, alert), system: true })
  return { note, records }
}

function stoppedRefusal(
  controls: OrgControls,
  environment: string,
  agent: string,
): Refusal | undefined {
  const status = controls.stopped.get(agentKey(environment, agent))
  if (status === 'killed') return { rule: 'agent_killed', reason: 'Agent has been killed' }
  if (status === 'paused') return { rule: 'agent_paused', reason: 'Agent is paused' }
  return undefined
}

function rateRefusal(p: CompiledPolicy & { type: 'rate_limit' }, count: number): Refusal {
  return {
    rule: 'rate_limit',
    policyId: p.id,
    reason: `Policy: Rate limit exceeded (${count}/${p.config.max_actions} in ${p.config.window_seconds}s)`,
  }
}

/**
 * The service rules match: the event's, or for an action named `service.verb` without one
 * (AgentWarden's `stripe.refund`), the part before the first dot.
 */
export function serviceOf(e: Pick<NewEvent, 'service' | 'action'>): string | null {
  if (e.service !== null) return e.service
  const dot = e.action?.indexOf('.') ?? -1
  return dot > 0 ? (e.action as string).slice(0, dot) : null
}

function approvalApplies(p: CompiledPolicy & { type: 'require_approval' }, e: NewEvent): boolean {
  const { services, actions } = p.config
  const service = serviceOf(e)
  return (
    (services.length === 0 || (service !== null && services.includes(service))) &&
    (actions.length === 0 || (e.action !== null && actions.includes(e.action)))
  )
}

/** The rules judged on the action alone: service lists, cost per action, payload patterns. */
function contentRefusal(
  p: CompiledPolicy,
  e: NewEvent,
  unredacted: Unredacted = {},
): Refusal | undefined {
  switch (p.type) {
    case 'service_allowlist': {
      const service = serviceOf(e)
      if (service === null || !p.config.services.includes(service))
        return {
          rule: p.type,
          policyId: p.id,
          reason: `Policy: Service "${service ?? ''}" is not in the allowlist`,
        }
      return undefined
    }
    case 'service_blocklist': {
      const service = serviceOf(e)
      if (service !== null && p.config.services.includes(service))
        return { rule: p.type, policyId: p.id, reason: `Policy: Service "${service}" is blocked` }
      return undefined
    }
    case 'cost_limit_per_action': {
      if (e.cost_micros === null) return undefined
      const cents = e.cost_micros / MICROS_PER_CENT
      if (cents > p.config.max_cost_cents)
        return {
          rule: p.type,
          policyId: p.id,
          reason: `Policy: Cost ${cents} cents exceeds the limit of ${p.config.max_cost_cents} cents per action`,
        }
      return undefined
    }
    case 'payload_regex_block':
      for (const field of p.config.fields) {
        const text =
          field === 'input' || field === 'context' ? (unredacted[field] ?? e[field]) : e[field]
        if (text === null) continue
        const hit = findPattern(p.patterns, text)
        if (hit === 'timeout')
          return {
            rule: p.type,
            policyId: p.id,
            reason: `Policy: ${field} could not be checked against the blocked patterns within ${MATCH_TIMEOUT_MS} ms`,
          }
        if (hit >= 0)
          return {
            rule: p.type,
            policyId: p.id,
            reason: `Policy: ${field} matches blocked pattern ${hit + 1} (${p.patterns[hit]?.source})`,
          }
      }
      return undefined
    default:
      return undefined
  }
}

/** `budget.warning` at 75% and `budget.exceeded` at 100% of a limit, each once per period and budget. */
function* thresholds(
  orgId: string,
  b: BudgetRecord,
  periodStart: number,
  after: Counters,
  e: NewEvent & { agent: string },
  now: number,
): OpProgram<ControlRecord[]> {
  const share = Math.max(
    b.max_actions === null ? 0 : after.actions / b.max_actions,
    b.max_cost_cents === null ? 0 : after.cost_micros / (b.max_cost_cents * MICROS_PER_CENT),
  )
  const records: ControlRecord[] = []
  for (const [flag, threshold, severity] of [
    ['warned', 0.75, 'info'],
    ['exceeded', 1, 'critical'],
  ] as const) {
    if (share < threshold || !(yield* op('flagBudget', orgId, b.id, periodStart, flag))) continue
    const name = flag === 'warned' ? 'budget.warning' : 'budget.exceeded'
    const whose = b.agent_name ?? `every agent in ${b.environment}`
    const message = `${b.period} budget of ${whose} ${flag === 'warned' ? 'is at 75%' : 'is used up'}: ${after.actions}${b.max_actions === null ? '' : `/${b.max_actions}`} actions, ${dollars(after.cost_micros)}${b.max_cost_cents === null ? '' : `/${dollars(b.max_cost_cents * MICROS_PER_CENT)}`}`
    const metadata = {
      budget_id: b.id,
      agent: b.agent_name,
      period: b.period,
      period_start: new Date(periodStart).toISOString(),
      current_actions: after.actions,
      max_actions: b.max_actions,
      current_cost_cents: after.cost_micros / MICROS_PER_CENT,
      max_cost_cents: b.max_cost_cents,
      trigger_event_id: e.id,
    }
    const alert: NewAlertRow = {
      id: uuidv7(now),
      environment: b.environment,
      agent_name: b.agent_name ?? e.agent,
      alert_type: flag === 'warned' ? 'budget_warning' : 'budget_exceeded',
      severity,
      message,
      metadata,
      created_at: now,
    }
    yield* op('insertAlert', orgId, alert)
    const audit = normalizeEvent(
      {
        kind: 'audit',
        status: 'success',
        action: name,
        user: 'system',
        title: message,
        environment: b.environment,
        metadata,
      },
      { now, ipAddress: null },
    )
    if (!audit.ok) throw new Error(`the ${name} record is not a valid event`)
    records.push({ event: audit.event, system: true })
    records.push({ event: alertRecord(orgId, alert), system: true })
  }
  return records
}

/** The least left of any budget, per dimension; the refusing dimension reads 0. */
function remainingOf(
  budgets: readonly BudgetRecord[],
  usage: readonly Counters[],
  exhausted: { actions?: boolean; cost?: boolean },
) {
  const out: Decision['remainingBudget'] = {}
  budgets.forEach((b, i) => {
    const u = usage[i] as Counters
    if (b.max_actions !== null)
      out.actions = Math.min(out.actions ?? Infinity, Math.max(0, b.max_actions - u.actions))
    if (b.max_cost_cents !== null)
      out.costCents = Math.min(
        out.costCents ?? Infinity,
        Math.max(0, Math.floor((b.max_cost_cents * MICROS_PER_CENT - u.cost_micros) / 100) / 100),
      )
  })
  if (exhausted.actions) out.actions = 0
  if (exhausted.cost) out.costCents = 0
  return out
}

function describeAction(e: NewEvent): string {
  const what = [e.service, e.action].filter((x) => x !== null).join('.')
  return what === '' ? `(${e.kind})` : what
}

/**
 * True for events the rules judge: an agent's action, LLM, tool or HTTP call that was not refused.
 * The control plane's own records (a refusal, an approval request) carry their note and are not
 * judged again.
 */
export const isControlled = (e: NewEvent) =>
  e.agent !== null && e.status !== 'denied' && e.control === null && CONTROLLED_KINDS.has(e.kind)

/**
 * The engine as the stores' enforcement step (enforcement.ts), handed to them by the composition
 * root. `module` is this file as JavaScript, which the embedded store's writer thread imports.
 */
export const enforcement: Enforcement = {
  module: compiledWorkerFile(new URL('./engine.js', import.meta.url)).href,
  judges: isControlled,
  event: enforceEvent,
  check: decideCheck,
  free: freeDecision,
}
