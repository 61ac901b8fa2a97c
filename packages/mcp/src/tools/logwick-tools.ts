import { z } from 'zod'
import type { StoredEvent } from 'agenttrail'
import { DEFAULT_MAX_CHARS, LIST_MAX_CHARS, cutFields, moreOfEvent } from '../compact.js'
import { json, listText } from '../render.js'
import { READS, defineTool, id, instant, maxCharsArg, name } from '../trail-tool.js'

// Logwick's MCP tools (`@logwick/mcp`, its server card): the same names and inputs, so prompts and
// client configs written for it work here. Optional extras are marked as AgentTrail's own.

const Log = z.record(z.string(), z.unknown())
// The shared argument, marked as AgentTrail's own like the other extras.
const shared = maxCharsArg(DEFAULT_MAX_CHARS)
const maxCharsExtra = shared.describe(`AgentTrail: ${shared.description ?? ''}`)

const logLine = (log: Record<string, unknown>) =>
  [
    log.timestamp,
    log.status,
    `${String(log.agent)}/${String(log.action)}`,
    log.tokens != null ? `${String(log.tokens)} tokens` : undefined,
    `id=${String(log.id)}`,
  ]
    .filter((p) => p != null)
    .join(' ')

/** An event in Logwick's log fields (its `GET /api/v1/logs` rows). */
function logOf(event: StoredEvent): Record<string, unknown> {
  return {
    id: event.id,
    timestamp: event.ts,
    agent: event.agent,
    action: event.action,
    status: event.status,
    input: event.input ?? null,
    output: event.output ?? null,
    user: event.user ?? null,
    tokens: event.tokens_total ?? null,
    latency_ms: event.duration_ms ?? null,
    cost_usd: event.cost_usd ?? null,
    tags: event.tags ?? [],
    metadata: event.metadata ?? {},
    environment: event.environment,
  }
}

export const ingestLog = defineTool({
  name: 'ingest_log',
  title: 'Log an AI call',
  description:
    'Write one log entry (an AI call or agent action) to the trail, as Logwick’s ingest_log does. Answers the stored id.',
  scope: 'ingest',
  writes: true,
  inputSchema: {
    agent: name('Required. The AI model or agent name, e.g. gpt-4o.'),
    action: name('Required. The action or task type, e.g. email_draft.'),
    status: z.enum(['success', 'error', 'pending']).default('success').describe('Default success.'),
    input: z.unknown().describe('The prompt or input (text or JSON).').optional(),
    output: z.unknown().describe('The response or output (text or JSON).').optional(),
    tokens: z.number().int().min(0).max(1e12).describe('Total tokens.').optional(),
    latency_ms: z.number().min(0).max(1e10).describe('Duration in ms.').optional(),
    user: name('The end user, e.g. an email address.').optional(),
  },
  outputSchema: {
    id: z.string(),
    timestamp: z.string(),
    status: z.literal('ingested'),
    control: z.record(z.string(), z.unknown()).optional().describe('A rule the action broke.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  async run(args, { reader }) {
    // Logwick's own route, so the entry takes the one ingest pipeline (redaction, limits, controls).
    const answer = await reader.request('POST', '/api/v1/logs', { body: args })
    const structured = {
      id: String(answer.id),
      timestamp: String(answer.timestamp),
      status: 'ingested' as const,
      ...(answer.control && { control: answer.control as Record<string, unknown> }),
    }
    const broke = structured.control ? ` It broke a rule: ${json(structured.control)}` : ''
    return { structured, text: `Logged ${structured.id} at ${structured.timestamp}.${broke}` }
  },
})

export const queryLogs = defineTool({
  name: 'query_logs',
  title: 'Query logs',
  description:
    'Search logs by status, agent, action, date or keyword, newest first (Logwick’s query_logs). Values are cut short; get_log shows one in full.',
  scope: 'read',
  writes: false,
  inputSchema: {
    status: z.enum(['success', 'error', 'pending']).optional(),
    agent: name('The agent or model name.').optional(),
    action: name('The action, e.g. email_draft.').optional(),
    search: z.string().min(1).max(512).describe('Keywords: every word must occur.').optional(),
    limit: z.number().int().min(1).max(100).default(20).describe('Logs to return. Default 20.'),
    from: instant('AgentTrail: inclusive start.').optional(),
    to: instant('AgentTrail: exclusive end.').optional(),
    cursor: z
      .string()
      .min(1)
      .max(4096)
      .describe('AgentTrail: next_cursor of the previous page.')
      .optional(),
  },
  outputSchema: {
    logs: z.array(Log),
    total: z.number().optional().describe('Matching logs in all (not counted with `search`).'),
    next_cursor: z.string().nullable(),
  },
  annotations: READS,
  async run(args, { reader }) {
    const answer = await reader.request('GET', '/api/v1/logs', { query: args })
    const logs = (answer.logs as Record<string, unknown>[]).map((log) =>
      cutFields(log, LIST_MAX_CHARS, `call get_log with id "${String(log.id)}" for all of it`),
    )
    const next = (answer.next_cursor as string | null) ?? null
    const total = typeof answer.total === 'number' ? answer.total : undefined
    const heading = `${logs.length} log(s)${total === undefined ? '' : ` of ${total}`}, newest first:`
    return {
      structured: { logs, ...(total !== undefined && { total }), next_cursor: next },
      text: listText(heading, logs.map(logLine), next),
    }
  },
})

export const getStats = defineTool({
  name: 'get_stats',
  title: 'Usage stats',
  description:
    'Success rate, error rate, average latency, tokens and cost over the last `days` days (Logwick’s get_stats). For cost by agent, model and day use cost_breakdown.',
  scope: 'read',
  writes: false,
  inputSchema: {
    days: z.number().int().min(1).max(3650).default(30).describe('Days back from now. Default 30.'),
  },
  outputSchema: {
    total: z.number(),
    success: z.number(),
    error: z.number(),
    success_rate: z.number().describe('Percent, one decimal.'),
    error_rate: z.number().describe('Percent, one decimal.'),
    avg_latency: z.number().describe('ms.'),
    total_tokens: z.number(),
    total_cost: z.number().describe('USD, rounded to cents.'),
    period_days: z.number(),
  },
  annotations: READS,
  async run({ days }, { reader }) {
    const s = await reader.stats({ days })
    const structured = {
      total: s.total,
      success: s.success,
      error: s.error,
      success_rate: s.success_rate,
      error_rate: s.error_rate,
      avg_latency: s.avg_latency,
      total_tokens: s.total_tokens,
      total_cost: s.total_cost,
      period_days: s.period_days,
    }
    const text = `Last ${days} day(s): ${s.total} logs, ${s.success_rate}% success, ${s.error} errors, ${s.total_tokens} tokens, $${s.total_cost}, average latency ${s.avg_latency} ms.`
    return { structured, text }
  },
})

export const getLog = defineTool({
  name: 'get_log',
  title: 'Get a log',
  description: 'Full details of one log entry by id (Logwick’s get_log).',
  scope: 'read',
  writes: false,
  inputSchema: { id: id('The log id.'), max_chars: maxCharsExtra },
  outputSchema: { log: Log },
  annotations: READS,
  async run({ id: logId, max_chars }, { reader }) {
    const max = max_chars
    const event = await reader.event(logId)
    const log = cutFields(
      logOf(event),
      max,
      moreOfEvent(event.id, max).replace('get_event', 'get_log'),
    )
    return { structured: { log }, text: json(log) }
  },
})
