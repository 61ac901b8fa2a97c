import type { NewEvent } from '@agenttrail/protocol'

/** A conversation's time span within one batch; `environment` is absent for the all-environments row. */
export interface ConversationSpanDelta {
  org_id: string
  conversation_id: string
  environment?: string
  first_ts: number
  last_ts: number
}

/** An agent or model seen in a conversation, in one environment. */
export interface ConversationMember {
  org_id: string
  dim: 'agent' | 'model'
  value: string
  conversation_id: string
  environment: string
}

export interface ConversationDeltas {
  spans: ConversationSpanDelta[]
  envSpans: Array<Required<ConversationSpanDelta>>
  members: ConversationMember[]
}

function widen(
  map: Map<string, ConversationSpanDelta>,
  key: string,
  ts: number,
  make: () => ConversationSpanDelta,
): void {
  const known = map.get(key)
  if (!known) map.set(key, make())
  else if (ts < known.first_ts) known.first_ts = ts
  else if (ts > known.last_ts) known.last_ts = ts
}

/**
 * Folds a batch of appended events into what it adds to the conversation summary tables (see
 * migration 005_conversations.sql): one span per conversation, one per conversation and
 * environment, and each (agent or model, conversation, environment) once, so the append
 * transaction writes each row once however many of its events the batch holds. On the writer's
 * hot path: objects are made only for keys not seen yet in the batch.
 */
export function conversationDeltas(
  items: Iterable<{ orgId: string; event: NewEvent }>,
): ConversationDeltas {
  const spans = new Map<string, ConversationSpanDelta>()
  const envSpans = new Map<string, ConversationSpanDelta>()
  const members = new Map<string, ConversationMember>()
  const member = (
    org_id: string,
    dim: ConversationMember['dim'],
    value: string,
    conversation_id: string,
    environment: string,
  ) => {
    const key = `${org_id}\u0000${conversation_id}\u0000${environment}\u0000${dim}\u0000${value}`
    if (!members.has(key)) members.set(key, { org_id, dim, value, conversation_id, environment })
  }
  for (const { orgId: org_id, event: e } of items) {
    const conversation_id = e.conversation_id
    if (conversation_id === null) continue
    const { ts, environment } = e
    const key = `${org_id}\u0000${conversation_id}`
    widen(spans, key, ts, () => ({ org_id, conversation_id, first_ts: ts, last_ts: ts }))
    widen(envSpans, `${key}\u0000${environment}`, ts, () => ({
      org_id,
      conversation_id,
      environment,
      first_ts: ts,
      last_ts: ts,
    }))
    if (e.agent !== null) member(org_id, 'agent', e.agent, conversation_id, environment)
    if (e.model !== null) member(org_id, 'model', e.model, conversation_id, environment)
  }
  return {
    spans: [...spans.values()],
    envSpans: [...envSpans.values()] as Array<Required<ConversationSpanDelta>>,
    members: [...members.values()],
  }
}
