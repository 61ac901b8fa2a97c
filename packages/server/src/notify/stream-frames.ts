import type { Event } from '@agenttrail/protocol'
import { actionLogFromEvent } from '@agenttrail/protocol'

/**
 * What a live stream can carry: AgentLedger's `action.new` (an agent's event as its ActionLog row)
 * and `alert.new` (an alert as its Alert row), and the native `event.new` (every event, as the
 * native Event JSON), which only clients that ask for it receive.
 */
export const STREAM_EVENT_TYPES = ['action.new', 'alert.new', 'event.new'] as const
export type StreamEventType = (typeof STREAM_EVENT_TYPES)[number]

/** Types sent when the client names none: AgentLedger's. */
export const DEFAULT_STREAM_TYPES: readonly StreamEventType[] = ['action.new', 'alert.new']

/** What one stream asks for. */
export interface StreamFilter {
  types: ReadonlySet<StreamEventType>
  /** Only this agent's actions and alerts. */
  agent?: string
  /** Only actions and alerts of this environment. */
  environment?: string
}

/** One event as the frames a stream with `filter` sends for it (none, one, or two). */
export function framesOf(event: Event, filter: StreamFilter): string[] {
  if (filter.environment !== undefined && event.environment !== filter.environment) return []
  const frames: string[] = []
  const alert = alertOf(event)
  if (filter.types.has('action.new') && event.kind !== 'audit' && event.agent) {
    if (filter.agent === undefined || event.agent === filter.agent)
      frames.push(sseFrame(event.seq, 'action.new', actionLogFromEvent(event)))
  }
  if (filter.types.has('alert.new') && alert) {
    if (filter.agent === undefined || alert.agent_name === filter.agent)
      frames.push(sseFrame(event.seq, 'alert.new', alert))
  }
  if (filter.types.has('event.new')) {
    if (filter.agent === undefined || event.agent === filter.agent)
      frames.push(sseFrame(event.seq, 'event.new', event))
  }
  return frames
}

/**
 * The alert row an `alert.created` or `alert.escalated` audit event carries (control-records.ts
 * `alertRecord`, alerts/alert-records.ts): `alert.new` when an alert is raised or escalates.
 */
function alertOf(event: Event): { agent_name?: unknown } | undefined {
  if (
    event.kind !== 'audit' ||
    (event.action !== 'alert.created' && event.action !== 'alert.escalated')
  )
    return undefined
  const alert = (event.metadata as { alert?: unknown } | null)?.alert
  return alert !== null && typeof alert === 'object'
    ? (alert as { agent_name?: unknown })
    : undefined
}

/**
 * One Server-Sent Events frame (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * A space follows each colon, which AgentLedger's SDK parser needs; `JSON.stringify` escapes line
 * breaks, so the data is one line. `id` is the event's seq; heartbeats carry none, so they never
 * move a client's `Last-Event-ID`.
 */
export function sseFrame(id: number | undefined, type: string, data: unknown): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`
  return `${idLine}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`
}

/** The first bytes of every stream: clients wait 3 s before reconnecting. */
export const RETRY_FRAME = 'retry: 3000\n\n'
