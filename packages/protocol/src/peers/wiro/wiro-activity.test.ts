import { describe, expect, it } from 'vitest'
import { agentGuid } from '../../agent-guid.js'
import type { Event } from '../../event-schema.js'
import { microsToUsd } from '../../money.js'
import type { NewEvent } from '../../new-event.js'
import { normalizeEvent } from '../../normalize-event.js'
import { isUuid } from '../../uuid.js'
import { ActivityEventSchema, WIRO_ACTIVITY_KINDS, eventFromActivity } from './wiro-activity.js'
import { activityFromEvent } from './wiro-activity-from-event.js'
import {
  LOGS_RESPONSE_EVENTS,
  SHAPE_EXAMPLE,
  TOKEN_USAGE_EXAMPLE,
} from '../../../../../test/http/wiro-fixtures.js'

const now = Date.parse('2026-05-03T15:00:00Z')
const target = { agent: 'blog-bot', environment: 'production' }
/** The documented examples (reference 003), plus edge cases the mapping must keep. */
const EXAMPLES: Record<string, unknown>[] = [
  SHAPE_EXAMPLE,
  TOKEN_USAGE_EXAMPLE,
  ...LOGS_RESPONSE_EVENTS.filter((e) => e.kind === 'cron_finished'),
  {
    ts: '2026-05-03T13:31:00.000Z',
    kind: 'tool_completed',
    tool: 'exec',
    title: 'Posted: "Weekly Roundup"',
    durationMs: 92,
    ok: false,
    error: 'HTTP 502 from wordpress',
    cost: { credits: 0.5, skill: 'int-wordpress-post', action: 'create' },
  },
  {
    ts: '2026-05-03T13:32:00.000Z',
    kind: 'token_usage_idempotent',
    title: 'Token usage (replayed)',
    model: 'openai/gpt-5.4',
    tokens: { input: 10, output: 5, cacheRead: 0, cacheWrite: 0, total: 15 },
    tokencost: 1,
    cost: { credits: 1, skill: 'chat', action: 'reply' },
    calls: 1,
    remainingcredits: 9994,
    userUuid: 'system',
    user: null,
  },
  {
    ts: '2026-05-03T13:33:00.000Z',
    kind: 'token_usage',
    title: 'Token usage with a charge as well',
    tokens: { input: 1, output: 2, total: 3, reasoning: 7 },
    tokencost: 2,
    cost: { credits: 3, skill: 'voice', action: 'post-call' },
    pluginVersion: '1.4.0',
  },
  {
    ts: '2026-05-03T13:34:00.000Z',
    kind: 'balance_gate_blocked',
    title: 'Turn refused: credit pool exhausted',
    userUuid: 'ada-uuid',
  },
  {
    ts: '2026-05-03T13:35:00.000Z',
    kind: 'skill_installed',
    title: 'A kind a newer plugin writes',
    summary: ['a', 1],
  },
]

/** The stored shape of a NewEvent, as the store returns it (JSON text parsed back). */
function stored(e: NewEvent): Event {
  const parse = (text: string | null) => (text === null ? null : (JSON.parse(text) as unknown))
  return {
    ...e,
    org_id: 'org-a',
    seq: 1,
    ts: new Date(e.ts).toISOString(),
    received_at: new Date(now).toISOString(),
    cost_usd: e.cost_micros === null ? null : microsToUsd(e.cost_micros),
    rate_limit: parse(e.rate_limit) as Event['rate_limit'],
    input: parse(e.input),
    output: parse(e.output),
    messages: parse(e.messages),
    tool_calls: parse(e.tool_calls),
    error: parse(e.error),
    metadata: parse(e.metadata) as Event['metadata'],
    context: parse(e.context) as Event['context'],
  }
}

function ingest(activity: unknown): NewEvent {
  const parsed = ActivityEventSchema.parse(activity)
  const result = normalizeEvent(eventFromActivity(parsed, target), { now })
  if (!result.ok) throw new Error(JSON.stringify(result.issues))
  return result.event
}

describe('Wiro ActivityEvent mapping', () => {
  it('maps every documented kind to its native family and keeps the Wiro kind in action', () => {
    const families = WIRO_ACTIVITY_KINDS.map((kind) => [kind, ingest({ kind, title: kind }).kind])
    expect(Object.fromEntries(families)).toEqual({
      tool_started: 'tool_call',
      tool_completed: 'tool_call',
      turn_started: 'turn',
      turn_ended: 'turn',
      cron_started: 'cron',
      cron_finished: 'cron',
      session_start: 'session',
      session_end: 'session',
      user_message: 'message',
      agent_reply: 'message',
      token_usage: 'token_usage',
      token_usage_idempotent: 'token_usage',
      balance_gate_blocked: 'turn',
    })
    for (const kind of WIRO_ACTIVITY_KINDS) expect(ingest({ kind, title: kind }).action).toBe(kind)
  })

  it('puts tool, summary, duration, outcome, credits and actor in native columns', () => {
    const tool = ingest(EXAMPLES[0])
    expect(tool).toMatchObject({
      agent: 'blog-bot',
      environment: 'production',
      ts: Date.parse('2026-05-03T14:00:10.234Z'),
      service: 'web_fetch',
      status: 'success',
      title: 'Fetched https://blog.example.com/weekly-roundup-12',
      duration_ms: 1840,
      cost_micros: 50_000,
      user: 'ada-uuid',
      output: JSON.stringify({
        url: 'https://blog.example.com/weekly-roundup-12',
        status: 200,
        bytes: 18432,
      }),
    })
    expect(JSON.parse(tool.metadata)).toEqual({
      wiro: {
        ok: true,
        cost: { skill: 'int-wiro-aimodels', action: 'create' },
        user: SHAPE_EXAMPLE.user,
      },
    })
    const failed = ingest(EXAMPLES[3])
    expect(failed).toMatchObject({
      status: 'error',
      error: '"HTTP 502 from wordpress"',
      cost_micros: 5_000,
    })
    expect(ingest(EXAMPLES[6]).status).toBe('denied')
  })

  it('puts token usage in the token and cost columns, except a replay that was already billed', () => {
    expect(ingest(EXAMPLES[1])).toMatchObject({
      model: 'openai/gpt-5.4',
      tokens_input: 3450,
      tokens_output: 820,
      tokens_cache_read: 2400,
      tokens_cache_write: 0,
      tokens_total: 4270,
      cost_micros: 50_000,
      duration_ms: 4200,
      user: 'system',
    })
    const replay = ingest(EXAMPLES[4])
    expect(replay).toMatchObject({ kind: 'token_usage', tokens_total: null, cost_micros: null })
    expect(JSON.parse(replay.metadata).wiro).toMatchObject({ tokencost: 1, tokens: { total: 15 } })
  })

  it('gives back exactly what was sent', () => {
    for (const example of EXAMPLES)
      expect(activityFromEvent(stored(ingest(example)))).toEqual(example)
  })

  it('lists its fields in the documented order', () => {
    expect(Object.keys(activityFromEvent(stored(ingest(EXAMPLES[0]))))).toEqual(
      Object.keys(EXAMPLES[0] as object),
    )
    expect(Object.keys(activityFromEvent(stored(ingest(EXAMPLES[1]))))).toEqual(
      Object.keys(EXAMPLES[1] as object),
    )
  })

  it('names the missing and mistyped fields', () => {
    const result = ActivityEventSchema.safeParse({ tool: 3, ok: 'yes' })
    expect(result.success).toBe(false)
    const messages = result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []
    expect(messages).toContain('kind: kind is required')
    expect(messages).toContain('title: title is required')
    expect(messages.some((m) => m.startsWith('tool:'))).toBe(true)
    expect(messages.some((m) => m.startsWith('ok:'))).toBe(true)
  })
})

describe('events from other surfaces as ActivityEvents', () => {
  const native = (fields: Record<string, unknown>) => {
    const r = normalizeEvent({ ts: '2026-05-03T12:00:00Z', agent: 'a', ...fields }, { now })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    return activityFromEvent(stored(r.event))
  }

  it('renders a model call as token usage with nested tokens and credits', () => {
    expect(
      native({
        kind: 'llm_call',
        model: 'gpt-4o',
        tokens_input: 100,
        tokens_output: 20,
        cost_usd: 0.03,
        duration_ms: 900,
        user: 'u1',
      }),
    ).toEqual({
      ts: '2026-05-03T12:00:00.000Z',
      kind: 'token_usage',
      title: 'Model call: gpt-4o · 120 tokens',
      model: 'gpt-4o',
      tokens: { input: 100, output: 20, total: 120 },
      tokencost: 3,
      durationMs: 900,
      ok: true,
      userUuid: 'u1',
      user: null,
    })
  })

  it('renders actions and tool calls as tool events with their outcome, and keeps kinds Wiro has no word for', () => {
    const action = native({
      service: 'stripe',
      action: 'charge',
      status: 'failed',
      error: { message: 'card declined' },
      input: { amount: 5 },
    })
    expect(action).toMatchObject({
      kind: 'tool_completed',
      tool: 'stripe',
      title: 'stripe · charge (failed)',
      ok: false,
    })
    expect(action.error).toBe('{"message":"card declined"}')
    expect(action.summary).toEqual({
      input: { amount: 5 },
      metadata: { original_status: 'failed' },
    })
    expect(native({ kind: 'tool_call', service: 'read', status: 'pending' })).toMatchObject({
      kind: 'tool_started',
      tool: 'read',
    })
    expect(native({ kind: 'turn', action: 'turn_started' }).kind).toBe('turn_started')
    const audit = native({
      kind: 'audit',
      action: 'logs.delete',
      title: 'Deleted 3 events',
      metadata: { date: '2026-05-02' },
    })
    expect(audit).toMatchObject({
      kind: 'audit',
      title: 'Deleted 3 events',
      summary: { metadata: { date: '2026-05-02' } },
    })
  })
})

describe('agentGuid', () => {
  it('is a stable UUID per org, environment and agent name', () => {
    const guid = agentGuid('org-a', 'production', 'blog-bot')
    expect(isUuid(guid)).toBe(true)
    expect(guid[14]).toBe('8')
    expect(agentGuid('org-a', 'production', 'blog-bot')).toBe(guid)
    expect(agentGuid('org-b', 'production', 'blog-bot')).not.toBe(guid)
    expect(agentGuid('org-a', 'staging', 'blog-bot')).not.toBe(guid)
    expect(agentGuid('org-a', 'production blog-bot', '')).not.toBe(
      agentGuid('org-a', 'production', ' blog-bot'),
    )
  })
})
