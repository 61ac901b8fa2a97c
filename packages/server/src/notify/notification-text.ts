import type { Topic } from '../store/outbox-rows.js'

/** What a person reads of one announcement (notification.ts adds severity, link and keys). */
export interface TopicText {
  title: string
  summary: string
  agent: string | null
  environment: string | null
  fields: Array<{ name: string; value: string }>
}

/** The announcement's `data` as an object (JSON text is parsed), and as text for hashing. */
export function readData(data: unknown): { data: Record<string, unknown>; raw: string } {
  let value = data
  if (typeof data === 'string')
    try {
      value = JSON.parse(data)
    } catch {
      value = {}
    }
  const object =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {}
  return { data: object, raw: typeof data === 'string' ? data : JSON.stringify(data ?? null) }
}

const str = (d: Record<string, unknown>, k: string): string | null => {
  const v = d[k]
  return typeof v === 'string' && v !== '' ? v : null
}
const num = (d: Record<string, unknown>, k: string): number | null => {
  const v = d[k]
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}
/** Cents (possibly fractional) as dollars: `$5.20`. */
const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`

type Field = { name: string; value: string }
/** Fields with a value, in order; the absent ones are left out. */
const fields = (...pairs: Array<[string, string | null]>): Field[] =>
  pairs
    .filter((p): p is [string, string] => p[1] !== null)
    .map(([name, value]) => ({ name, value }))

/** `stripe.charge`, or whichever half is known. */
const what = (d: Record<string, unknown>) =>
  [str(d, 'service'), str(d, 'action')].filter((x) => x !== null).join('.') || 'an action'

function action(topic: Topic, d: Record<string, unknown>): TopicText {
  const agent = str(d, 'agent_name') ?? str(d, 'agent')
  const env = str(d, 'environment')
  const who = agent ?? 'An agent'
  const cost = num(d, 'cost_cents')
  const ms = num(d, 'duration_ms')
  const failed = topic === 'action.error'
  const title = failed ? `${who}: ${what(d)} failed` : `${who} ran ${what(d)}`
  const status = str(d, 'status') ?? 'unknown'
  const where = env === null ? '' : ` in ${env}`
  const meta = d.metadata !== null && typeof d.metadata === 'object' ? d.metadata : {}
  const error = str(meta as Record<string, unknown>, 'error')
  const summary = failed
    ? `${who}'s ${what(d)} failed${where}${error === null ? '.' : `: ${error}`}`
    : `${who} ran ${what(d)}${where} (${status}).`
  const detail = fields(
    ['Service', str(d, 'service')],
    ['Action', str(d, 'action')],
    ['Status', status],
    ['Cost', cost === null ? null : dollars(cost)],
    ['Duration', ms === null ? null : `${ms} ms`],
    ['Trace', str(d, 'trace_id')],
    ['Error', failed ? error : null],
  )
  return { title, summary, agent, environment: env, fields: detail }
}

function agentState(topic: Topic, d: Record<string, unknown>): TopicText {
  const agent = str(d, 'agent')
  const env = str(d, 'environment')
  const verb = topic === 'agent.killed' ? 'killed' : topic === 'agent.paused' ? 'paused' : 'resumed'
  const by = str(d, 'by')
  const consequence =
    topic === 'agent.killed'
      ? '; every further action is refused'
      : topic === 'agent.paused'
        ? '; its actions are refused until it is resumed'
        : '; its actions are accepted again'
  const summary = `Agent ${agent ?? '(unnamed)'} was ${verb}${env === null ? '' : ` in ${env}`}${by === null ? '' : ` by ${by}`}${consequence}.`
  return {
    title: `Agent ${agent ?? '(unnamed)'} was ${verb}`,
    summary,
    agent,
    environment: env,
    fields: fields(['By', by]),
  }
}

function budget(topic: Topic, d: Record<string, unknown>): TopicText {
  const agent = str(d, 'agent')
  const env = str(d, 'environment')
  const whose = agent ?? `every agent in ${env ?? 'its environment'}`
  const period = str(d, 'period')
  const actions = num(d, 'current_actions') ?? 0
  const maxActions = num(d, 'max_actions')
  const cost = num(d, 'current_cost_cents') ?? 0
  const maxCost = num(d, 'max_cost_cents')
  const used = `${actions}${maxActions === null ? '' : `/${maxActions}`} actions, ${dollars(cost)}${maxCost === null ? '' : `/${dollars(maxCost)}`}`
  const state = topic === 'budget.exceeded' ? 'is used up' : 'is at 75%'
  const head = `${period === null ? 'Budget' : `${capital(period)} budget`} of ${whose} ${state}`
  return {
    title: head,
    summary: `${head}: ${used}.`,
    agent,
    environment: env,
    fields: fields(['Period', period], ['Used', used], ['Budget', str(d, 'budget_id')]),
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

function alert(topic: Topic, d: Record<string, unknown>): TopicText {
  const agent = str(d, 'agent_name')
  const env = str(d, 'environment')
  const type = str(d, 'alert_type') ?? 'alert'
  const on = agent === null ? '' : ` on ${agent}`
  const resolved = topic === 'alert.resolved'
  const message = str(d, 'message')
  return {
    title: `${resolved ? 'Resolved' : 'Alert'}: ${type}${on}`,
    summary: resolved
      ? `The ${type} alert${on} is resolved${message === null ? '.' : `: ${message}`}`
      : (message ?? `A ${type} alert was raised${on}.`),
    agent,
    environment: env,
    fields: fields(
      ['Alert type', type],
      ['Alert severity', str(d, 'severity')],
      ['Alert', str(d, 'id')],
    ),
  }
}

function approval(topic: Topic, d: Record<string, unknown>): TopicText {
  const agent = str(d, 'agent')
  const env = str(d, 'environment')
  const who = agent ?? 'An agent'
  const where = env === null ? '' : ` in ${env}`
  if (topic === 'approval.requested') {
    const reason = str(d, 'reason')
    return {
      title: `Approval needed: ${who} wants to run ${what(d)}`,
      summary: `${who} wants to run ${what(d)}${where}${reason === null ? '' : `: ${reason}`}; approve or deny it before it expires.`,
      agent,
      environment: env,
      fields: fields(
        ['Reason', reason],
        ['Approval', str(d, 'approval_id')],
        ['Policy', str(d, 'policy_id')],
      ),
    }
  }
  const status = str(d, 'status') ?? 'decided'
  const by = str(d, 'decided_by')
  const note = str(d, 'note')
  return {
    title: `${capital(status)}: ${who}'s ${what(d)}`,
    summary: `${who}'s request to run ${what(d)}${where} was ${status}${by === null ? '' : ` by ${by}`}${note === null ? '.' : `: ${note}`}`,
    agent,
    environment: env,
    fields: fields(
      ['Decision', status],
      ['Decided by', by],
      ['Note', note],
      ['Approval', str(d, 'approval_id')],
    ),
  }
}

function violation(d: Record<string, unknown>): TopicText {
  const agent = str(d, 'agent')
  const env = str(d, 'environment')
  const rule = str(d, 'rule') ?? 'a policy rule'
  const reason = str(d, 'reason')
  return {
    title: `Policy violation by ${agent ?? 'an agent'}`,
    summary: `${agent ?? 'An agent'} broke ${rule} with ${what(d)}${env === null ? '' : ` in ${env}`}${reason === null ? '.' : `: ${reason}`}`,
    agent,
    environment: env,
    fields: fields(
      ['Rule', rule],
      ['Reason', reason],
      ['Service', str(d, 'service')],
      ['Action', str(d, 'action')],
      ['Policy', str(d, 'policy_id')],
    ),
  }
}

function batch(d: Record<string, unknown>): TopicText {
  const count = num(d, 'count') ?? 0
  const agents = Array.isArray(d.agents) ? d.agents.filter((a) => typeof a === 'string') : []
  const by =
    agents.length === 0
      ? ''
      : ` by ${agents.slice(0, 10).join(', ')}${agents.length > 10 ? ` and ${agents.length - 10} more` : ''}`
  return {
    title: `${count} actions logged in one batch`,
    summary: `${count} actions were logged in one batch${by}.`,
    agent: agents.length === 1 ? (agents[0] as string) : null,
    environment: null,
    fields: fields(
      ['Actions', String(count)],
      ['Agents', agents.length === 0 ? null : agents.join(', ')],
    ),
  }
}

/** Title, summary and fields of each topic. */
export function renderTopic(topic: Topic, d: Record<string, unknown>): TopicText {
  switch (topic) {
    case 'action.logged':
    case 'action.error':
      return action(topic, d)
    case 'batch.logged':
      return batch(d)
    case 'agent.paused':
    case 'agent.resumed':
    case 'agent.killed':
      return agentState(topic, d)
    case 'budget.warning':
    case 'budget.exceeded':
      return budget(topic, d)
    case 'alert.created':
    case 'alert.resolved':
      return alert(topic, d)
    case 'approval.requested':
    case 'approval.decided':
      return approval(topic, d)
    case 'policy.violation':
      return violation(d)
  }
}
