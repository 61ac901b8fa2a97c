import { z } from 'zod'
import type { StoredEvent } from 'agenttrail'
import { DEFAULT_MAX_CHARS, LIST_MAX_CHARS, cutFields, moreOfEvent } from '../compact.js'
import { eventLine, json, listText } from '../render.js'
import { READS, defineTool, maxCharsArg, id, instant, name } from '../trail-tool.js'
import { readCursor, writeCursor } from '../window-cursor.js'

/** The fields a list shows of each event unless `fields` names others. */
export const SUMMARY_FIELDS = [
  'id',
  'ts',
  'kind',
  'status',
  'environment',
  'agent',
  'service',
  'action',
  'title',
  'model',
  'user',
  'trace_id',
  'conversation_id',
  'tokens_total',
  'cost_usd',
  'duration_ms',
  'error',
  'control',
] as const

const DAY_MS = 86_400_000
const Row = z.record(z.string(), z.unknown())

/** One event of a list: the chosen fields, each long value cut. */
export function listRow(
  event: StoredEvent,
  fields: readonly string[],
  max: number,
): Record<string, unknown> {
  const picked: Record<string, unknown> = {}
  for (const field of fields) if (field in event) picked[field] = event[field]
  return cutFields(picked, max, moreOfEvent(event.id, max))
}

export const searchEvents = defineTool({
  name: 'search_events',
  title: 'Search events',
  description:
    'Find events in the trail, newest first. Time-bounded: without from/to it searches the last 24 hours. Filters combine (AND). `q` is full-text: every word must occur in the title, input, output or error. Returns a compact row per event (choose columns with `fields`) and `next_cursor` to page on; get one event in full with get_event.',
  scope: 'read',
  writes: false,
  inputSchema: {
    from: instant('Inclusive start. Default: 24 hours before `to` (or now).').optional(),
    to: instant('Exclusive end. Default: now.').optional(),
    agent: name('The agent name.').optional(),
    service: name('The service (tool, API) acted on.').optional(),
    action: name('The action, e.g. email_draft.').optional(),
    status: z.enum(['success', 'error', 'pending', 'denied']).optional(),
    kind: name('Event kind: action, llm_call, tool_call, http_call, audit, ...').optional(),
    environment: name('e.g. production.').optional(),
    user: name('The end user or key id recorded on the event.').optional(),
    trace_id: id('Only this trace.').optional(),
    conversation_id: id('Only this conversation.').optional(),
    model: name('The LLM model, e.g. gpt-4o.').optional(),
    tag: name('Events carrying this tag.').optional(),
    q: z.string().min(1).max(512).describe('Full-text search words.').optional(),
    limit: z.number().int().min(1).max(100).default(20).describe('Events per page. Default 20.'),
    cursor: z
      .string()
      .min(1)
      .max(4096)
      .describe('`next_cursor` of the previous page; it keeps that search’s time window.')
      .optional(),
    fields: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(60)
      .describe(`Fields per event. Default: ${SUMMARY_FIELDS.join(', ')}. Add input, output, ...`)
      .optional(),
    max_chars: maxCharsArg(LIST_MAX_CHARS),
  },
  outputSchema: {
    from: z.string().nullable().describe('The window searched.'),
    to: z.string().nullable(),
    events: z.array(Row),
    next_cursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` for the next page; null at the end.'),
  },
  annotations: READS,
  async run(args, { reader }) {
    const { cursor, fields, max_chars: max, limit } = args
    const resumed = cursor === undefined ? undefined : readCursor(cursor)
    const window = resumed ?? defaultWindow(args.from, args.to)
    const page = await reader.events({
      from: window.from ?? undefined,
      to: window.to ?? undefined,
      agent: args.agent,
      service: args.service,
      action: args.action,
      status: args.status,
      kind: args.kind,
      environment: args.environment,
      user: args.user,
      traceId: args.trace_id,
      conversationId: args.conversation_id,
      model: args.model,
      tag: args.tag,
      q: args.q,
      limit,
      cursor: resumed?.cursor,
    })
    const events = page.events.map((e) => listRow(e, fields ?? SUMMARY_FIELDS, max))
    const next = page.next_cursor ? writeCursor({ ...window, cursor: page.next_cursor }) : null
    const span = `${window.from ?? 'the start'} to ${window.to ?? 'now'}`
    return {
      structured: { from: window.from, to: window.to, events, next_cursor: next },
      text: listText(
        `${events.length} event(s), ${span}, newest first:`,
        events.map(eventLine),
        next,
      ),
    }
  },
})

/** From and to as given; without `from`, the 24 hours before `to` (or now). */
function defaultWindow(from?: string, to?: string): { from: string | null; to: string | null } {
  if (from !== undefined) return { from, to: to ?? null }
  const end = to === undefined ? Date.now() : Date.parse(to)
  if (Number.isNaN(end)) return { from: null, to: to ?? null }
  return { from: new Date(end - DAY_MS).toISOString(), to: to ?? null }
}

export const getEvent = defineTool({
  name: 'get_event',
  title: 'Get an event',
  description:
    'One event in full by id: every field, its control decision and evaluations. Values longer than max_chars are cut with a marker; ask again with a larger max_chars for the rest.',
  scope: 'read',
  writes: false,
  inputSchema: { id: id('The event id.'), max_chars: maxCharsArg(DEFAULT_MAX_CHARS) },
  outputSchema: { event: Row },
  annotations: READS,
  async run({ id: eventId, max_chars: max }, { reader }) {
    const event = await reader.event(eventId)
    const compact = cutFields(event, max, moreOfEvent(event.id, max))
    return { structured: { event: compact }, text: json(compact) }
  },
})

export const getTrace = defineTool({
  name: 'get_trace',
  title: 'Get a trace',
  description:
    'The events of one trace (a run of an agent across calls), oldest first, one compact row each. When the trace is longer than `limit`, its newest events are kept and `truncated` is true.',
  scope: 'read',
  writes: false,
  inputSchema: {
    trace_id: id('The trace id.'),
    environment: name('Only this environment.').optional(),
    limit: z.number().int().min(1).max(500).default(100).describe('Most events. Default 100.'),
    max_chars: maxCharsArg(LIST_MAX_CHARS),
  },
  outputSchema: { trace_id: z.string(), events: z.array(Row), truncated: z.boolean() },
  annotations: READS,
  async run({ trace_id, environment, limit, max_chars: max }, { reader }) {
    const trace = await reader.trace(trace_id, { environment, limit })
    const events = trace.events.map((e) => listRow(e, SUMMARY_FIELDS, max))
    const more = trace.truncated ? ' (truncated: the newest are shown)' : ''
    return {
      structured: { trace_id, events, truncated: trace.truncated },
      text: listText(
        `Trace ${trace_id}: ${events.length} event(s)${more}, oldest first:`,
        events.map(eventLine),
      ),
    }
  },
})
