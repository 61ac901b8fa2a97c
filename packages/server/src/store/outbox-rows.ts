import type { ControlNote, NewEvent } from '@agenttrail/protocol'

/**
 * What AgentTrail announces (webhooks, notification channels, rollback hooks): AgentLedger's eight
 * documented events, and what its code fires but nobody can subscribe to there (`action.error`),
 * plus the approval, violation and alert-resolution events. Every one can be subscribed to.
 */
export const TOPICS = [
  'action.logged',
  'action.error',
  'batch.logged',
  'agent.paused',
  'agent.resumed',
  'agent.killed',
  'budget.warning',
  'budget.exceeded',
  'alert.created',
  'alert.resolved',
  'approval.requested',
  'approval.decided',
  'policy.violation',
] as const
export type Topic = (typeof TOPICS)[number]

export const isTopic = (s: string): s is Topic => (TOPICS as readonly string[]).includes(s)

/**
 * What the append writes into the outbox: for each org with subscriptions, one row naming the seqs
 * of the events it inserted (what they announce is worked out from those events when the row is
 * fanned out, `announcementsOf`), and one row per batch request (`batch.logged`).
 */
export type OutboxRow =
  | { orgId: string; topic: typeof EVENTS_ROW; from: number; to: number }
  | { orgId: string; topic: 'batch.logged'; environment: string; data: string }

/** The topic of an outbox row that names a range of the org's events. */
export const EVENTS_ROW = 'events'

/** An event as the append inserted it. */
export interface InsertedEvent {
  orgId: string
  event: NewEvent
  seq: number
  system?: boolean
  /** Set on the events of one batch request (`batch.logged` is announced once per batch). */
  batch?: string
  /** Carried through for the caller (store.ts `AppendItem`). */
  reservedMonth?: string
}

/** The fields of a stored event that decide what it announces (a stored row has them all). */
export interface AnnouncedEvent {
  id: string
  seq: number
  ts: number
  environment: string
  agent: string | null
  kind: string
  service: string | null
  action: string | null
  status: string
  trace_id: string | null
  cost_micros: number | null
  duration_ms: number | null
  /** JSON text. */
  metadata: string
  control: ControlNote | null
}

/** An announcement made by one stored event. */
export interface Announcement {
  topic: Topic
  /** The agent it is about (rollback hooks bound to an agent hear only its own). */
  agent: string | null
  /** The webhook body's `data`, JSON. */
  data: string
}

/** Micro-dollars to cents (10,000 micros a cent). */
const cents = (micros: number | null) => (micros === null ? 0 : micros / 10_000)

/** The action in AgentLedger's documented `action.logged` shape (shared/reference/004, Webhooks). */
function actionData(e: AnnouncedEvent): string {
  const head = JSON.stringify({
    id: e.id,
    agent_name: e.agent,
    agent: e.agent,
    service: e.service,
    action: e.action,
    kind: e.kind,
    status: e.status === 'denied' ? 'blocked' : e.status,
    cost_cents: cents(e.cost_micros),
    duration_ms: e.duration_ms ?? 0,
    environment: e.environment,
    trace_id: e.trace_id,
    seq: e.seq,
    created_at: new Date(e.ts).toISOString(),
  })
  // The metadata is JSON text already: spliced in, not parsed and written again.
  return `${head.slice(0, -1)},"metadata":${e.metadata}}`
}

const metadataOf = (e: AnnouncedEvent): Record<string, unknown> => {
  const parsed: unknown = JSON.parse(e.metadata)
  return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}
}

/**
 * The announcements one stored event makes: an agent's event announces `action.logged` (and
 * `action.error`, `policy.violation`, or `approval.requested` for a check that asked for one); the
 * server's own records (audit events) announce what they record. Pure; the fan-out calls it.
 */
export function announcementsOf(e: AnnouncedEvent): Announcement[] {
  const announce = (topic: Topic, data: string): Announcement => ({
    topic,
    agent: e.kind === 'audit' ? agentOfAudit(e) : e.agent,
    data,
  })
  if (e.kind === 'audit') return auditAnnouncements(e).map((a) => announce(a.topic, a.data()))
  const out: Announcement[] = []
  const action = actionData(e)
  if (e.control?.decision === 'approval_required')
    out.push(
      announce(
        'approval.requested',
        JSON.stringify({
          approval_id: e.control.approval_id ?? null,
          event_id: e.id,
          agent: e.agent,
          service: e.service,
          action: e.action,
          environment: e.environment,
          reason: e.control.reason,
          policy_id: e.control.policy_id ?? null,
          created_at: new Date(e.ts).toISOString(),
        }),
      ),
    )
  else out.push(announce('action.logged', action))
  if (e.status === 'error') out.push(announce('action.error', action))
  if (e.control?.decision === 'violation')
    out.push(
      announce(
        'policy.violation',
        JSON.stringify({
          event_id: e.id,
          agent: e.agent,
          service: e.service,
          action: e.action,
          environment: e.environment,
          rule: e.control.rule,
          reason: e.control.reason,
          policy_id: e.control.policy_id ?? null,
          budget_id: e.control.budget_id ?? null,
          created_at: new Date(e.ts).toISOString(),
        }),
      ),
    )
  return out
}

const AGENT_TOPICS: Record<string, Topic> = {
  'agent.paused': 'agent.paused',
  'agent.resumed': 'agent.resumed',
  'agent.killed': 'agent.killed',
}

/** The control plane's own records (control-records.ts, engine.ts) announce what they record. */
function auditAnnouncements(e: AnnouncedEvent): Array<{ topic: Topic; data: () => string }> {
  const action = e.action ?? ''
  const agentTopic = AGENT_TOPICS[action]
  if (agentTopic) {
    const m = metadataOf(e)
    if (m.changed === false && m.registered !== true) return []
    const key = m.key as { name?: string } | undefined
    const data = () =>
      JSON.stringify({
        agent: m.agent,
        environment: e.environment,
        by: key?.name ?? null,
        created_at: new Date(e.ts).toISOString(),
      })
    return [{ topic: agentTopic, data }]
  }
  if (action === 'budget.warning' || action === 'budget.exceeded') {
    const data = () => JSON.stringify({ ...metadataOf(e), environment: e.environment })
    return [{ topic: action, data }]
  }
  if (action === 'alert.created' || action === 'alert.resolved' || action === 'alert.escalated') {
    const data = () => JSON.stringify(metadataOf(e).alert ?? {})
    // An escalation is announced as the alert raised again, with its new severity, under its id.
    return [{ topic: action === 'alert.resolved' ? 'alert.resolved' : 'alert.created', data }]
  }
  if (action === 'approval.approved' || action === 'approval.denied') {
    const data = () => {
      const m = metadataOf(e)
      const key = m.key as { id?: string; name?: string } | undefined
      return JSON.stringify({
        approval_id: m.approval_id,
        status: action === 'approval.approved' ? 'approved' : 'denied',
        agent: m.agent,
        service: m.service,
        action: m.action,
        environment: e.environment,
        decided_by: m.decided_by_name ?? key?.name ?? null,
        note: m.note ?? null,
        decided_at: new Date(e.ts).toISOString(),
      })
    }
    return [{ topic: 'approval.decided', data }]
  }
  return []
}

/**
 * The outbox rows for events just inserted in the append transaction: for each org whose
 * subscriptions want anything (`wants`), one row naming the range of seqs inserted (an append
 * numbers an org's events one after another), and one per batch request when `batch.logged` is
 * wanted. An org without subscriptions writes none. Pure; both stores call it inside their append,
 * so announcements commit exactly when their events do, at the cost of one small row per append.
 */
export function outboxRows(
  inserted: readonly InsertedEvent[],
  wants: (orgId: string) => ReadonlySet<Topic>,
): OutboxRow[] {
  const ranges = new Map<string, { from: number; to: number }>()
  const batches = new Map<
    string,
    { orgId: string; count: number; agents: Set<string>; env: string }
  >()
  for (const item of inserted) {
    const topics = wants(item.orgId)
    if (topics.size === 0) continue
    // Every topic but batch.logged is announced by the events themselves.
    if (topics.size > 1 || !topics.has('batch.logged')) {
      const range = ranges.get(item.orgId)
      if (!range) ranges.set(item.orgId, { from: item.seq, to: item.seq })
      else {
        range.from = Math.min(range.from, item.seq)
        range.to = Math.max(range.to, item.seq)
      }
    }
    const { event: e } = item
    if (item.batch !== undefined && !item.system && topics.has('batch.logged')) {
      const key = `${item.orgId}\u0000${item.batch}`
      const b = batches.get(key) ?? {
        orgId: item.orgId,
        count: 0,
        agents: new Set(),
        env: e.environment,
      }
      b.count++
      if (e.agent !== null) b.agents.add(e.agent)
      batches.set(key, b)
    }
  }
  const rows: OutboxRow[] = [...ranges].map(([orgId, r]) => ({ orgId, topic: EVENTS_ROW, ...r }))
  for (const b of batches.values())
    rows.push({
      orgId: b.orgId,
      topic: 'batch.logged',
      environment: b.env,
      data: JSON.stringify({ count: b.count, agents: [...b.agents] }),
    })
  return rows
}

function agentOfAudit(e: AnnouncedEvent): string | null {
  const m = metadataOf(e)
  const alert = m.alert as { agent_name?: unknown } | undefined
  const agent = m.agent ?? alert?.agent_name
  return typeof agent === 'string' ? agent : null
}

/** A row's columns after `org_id`: topic, seq, seq_to, environment, data (both dialects' insert). */
export function outboxColumns(
  r: OutboxRow,
): [topic: string, seq: number | null, seqTo: number | null, environment: string, data: string] {
  return r.topic === EVENTS_ROW
    ? [r.topic, r.from, r.to, '', '']
    : [r.topic, null, null, r.environment, r.data]
}
