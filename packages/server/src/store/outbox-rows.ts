import type { NewEvent } from '@agenttrail/protocol'

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

/** An announcement as the append writes it into the outbox: its topic and its `data`, as JSON text. */
export interface OutboxRow {
  orgId: string
  topic: Topic
  /** The event that caused it (absent for `batch.logged`). */
  eventId: string | null
  seq: number | null
  agent: string | null
  environment: string
  /** The webhook body's `data`, JSON. */
  data: string
}

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

/** Micro-dollars to cents (10,000 micros a cent). */
const cents = (micros: number | null) => (micros === null ? 0 : micros / 10_000)

/** The action in AgentLedger's documented `action.logged` shape (shared/reference/004, Webhooks). */
function actionData(e: NewEvent, seq: number): string {
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
    seq,
    created_at: new Date(e.ts).toISOString(),
  })
  // The metadata is JSON text already: spliced in, not parsed and written again.
  return `${head.slice(0, -1)},"metadata":${e.metadata}}`
}

const metadataOf = (e: NewEvent): Record<string, unknown> => {
  const parsed: unknown = JSON.parse(e.metadata)
  return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}
}

/** The announcements one stored event makes, before any subscription is consulted. */
export function announcementsOf(
  inserted: InsertedEvent,
): Array<{ topic: Topic; data: () => string }> {
  const { event: e, seq } = inserted
  if (e.kind === 'audit') return auditAnnouncements(e)
  if (inserted.system) return []
  const out: Array<{ topic: Topic; data: () => string }> = []
  const action = () => actionData(e, seq)
  if (e.control?.decision === 'approval_required')
    out.push({
      topic: 'approval.requested',
      data: () =>
        JSON.stringify({
          approval_id: e.control?.approval_id ?? null,
          event_id: e.id,
          agent: e.agent,
          service: e.service,
          action: e.action,
          environment: e.environment,
          reason: e.control?.reason,
          policy_id: e.control?.policy_id ?? null,
          created_at: new Date(e.ts).toISOString(),
        }),
    })
  else out.push({ topic: 'action.logged', data: action })
  if (e.status === 'error') out.push({ topic: 'action.error', data: action })
  if (e.control?.decision === 'violation')
    out.push({
      topic: 'policy.violation',
      data: () =>
        JSON.stringify({
          event_id: e.id,
          agent: e.agent,
          service: e.service,
          action: e.action,
          environment: e.environment,
          rule: e.control?.rule,
          reason: e.control?.reason,
          policy_id: e.control?.policy_id ?? null,
          budget_id: e.control?.budget_id ?? null,
          created_at: new Date(e.ts).toISOString(),
        }),
    })
  return out
}

const AGENT_TOPICS: Record<string, Topic> = {
  'agent.paused': 'agent.paused',
  'agent.resumed': 'agent.resumed',
  'agent.killed': 'agent.killed',
}

/** The control plane's own records (control-records.ts, engine.ts) announce what they record. */
function auditAnnouncements(e: NewEvent): Array<{ topic: Topic; data: () => string }> {
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
  if (action === 'alert.created' || action === 'alert.resolved') {
    const data = () => JSON.stringify(metadataOf(e).alert ?? {})
    return [{ topic: action, data }]
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
 * The outbox rows for events just inserted in the append transaction: one per announcement some
 * subscription of the org wants (`wants`), so an org without subscriptions writes none. Pure; both
 * stores call it inside their append, so an announcement commits exactly when its event does.
 */
export function outboxRows(
  inserted: readonly InsertedEvent[],
  wants: (orgId: string) => ReadonlySet<Topic>,
): OutboxRow[] {
  const rows: OutboxRow[] = []
  const batches = new Map<
    string,
    { orgId: string; count: number; agents: Set<string>; env: string }
  >()
  for (const item of inserted) {
    const topics = wants(item.orgId)
    if (topics.size === 0) continue
    const { event: e } = item
    for (const a of announcementsOf(item))
      if (topics.has(a.topic))
        rows.push({
          orgId: item.orgId,
          topic: a.topic,
          eventId: e.id,
          seq: item.seq,
          agent: e.kind === 'audit' ? agentOfAudit(e) : e.agent,
          environment: e.environment,
          data: a.data(),
        })
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
  for (const b of batches.values())
    rows.push({
      orgId: b.orgId,
      topic: 'batch.logged',
      eventId: null,
      seq: null,
      agent: null,
      environment: b.env,
      data: JSON.stringify({ count: b.count, agents: [...b.agents] }),
    })
  return rows
}

function agentOfAudit(e: NewEvent): string | null {
  const m = metadataOf(e)
  const alert = m.alert as { agent_name?: unknown } | undefined
  const agent = m.agent ?? alert?.agent_name
  return typeof agent === 'string' ? agent : null
}
