import type { Event } from '../../event-schema.js'
import { WIRO_KIND_FAMILY, dropUndefined, usdToCredits } from './wiro-activity.js'
import type { ActivityEvent } from './wiro-activity.js'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/**
 * A stored event as a Wiro `ActivityEvent`. An event that came in as one (it carries
 * `metadata.wiro`) comes back as it was sent; any other event is rendered in the closest Wiro
 * terms: its kind, a title, and a summary of its payload.
 */
export function activityFromEvent(e: Event): ActivityEvent {
  const wiro = e.metadata.wiro
  return (
    isObject(wiro) && e.action !== null ? fromWiro(e, e.action, wiro) : fromNative(e)
  ) as ActivityEvent
}

/** Credits the client sent (a price-table cost was not sent, so it does not come back). */
const sentCredits = (e: Event) =>
  e.cost_usd === null || e.cost_source !== 'client' ? undefined : usdToCredits(e.cost_usd)

function tokensOf(e: Event): Json | undefined {
  const tokens = dropUndefined({
    input: e.tokens_input ?? undefined,
    output: e.tokens_output ?? undefined,
    cacheRead: e.tokens_cache_read ?? undefined,
    cacheWrite: e.tokens_cache_write ?? undefined,
    total: e.tokens_total ?? undefined,
  })
  return Object.keys(tokens).length > 0 ? tokens : undefined
}

function fromWiro(e: Event, kind: string, wiro: Json): Json {
  const credits = sentCredits(e)
  const cost = isObject(wiro.cost) ? wiro.cost : undefined
  // Without `credits` of its own, the cost is what was billed (cost_usd); otherwise tokencost was.
  const costBilled = cost !== undefined && !('credits' in cost)
  const tokens = isObject(wiro.tokens) ? wiro.tokens : tokensOf(e)
  return dropUndefined({
    ts: e.ts,
    kind,
    tool: e.service ?? undefined,
    title: e.title ?? '',
    summary: e.output ?? undefined,
    model: e.model ?? undefined,
    tokens: tokens && isObject(wiro.tokens_extra) ? { ...tokens, ...wiro.tokens_extra } : tokens,
    tokencost: wiro.tokencost ?? (costBilled ? undefined : credits),
    durationMs: e.duration_ms ?? undefined,
    calls: wiro.calls,
    remainingcredits: wiro.remainingcredits,
    ok: wiro.ok,
    error: errorText(e.error),
    cost: cost && costBilled ? { credits, ...cost } : cost,
    userUuid: e.user ?? undefined,
    user: wiro.user,
    ...(isObject(wiro.extra) ? wiro.extra : {}),
  })
}

const TOOLISH = new Set(['tool_call', 'action', 'http_call'])

function fromNative(e: Event): Json {
  const kind = wiroKind(e)
  const credits = e.cost_usd === null ? undefined : usdToCredits(e.cost_usd)
  const usage = kind === 'token_usage'
  return dropUndefined({
    ts: e.ts,
    kind,
    tool: TOOLISH.has(e.kind)
      ? (e.service ?? (e.kind === 'http_call' ? 'web_fetch' : undefined))
      : undefined,
    title: e.title ?? titleOf(e),
    summary: summaryOf(e),
    model: e.model ?? undefined,
    tokens: tokensOf(e),
    tokencost: usage ? credits : undefined,
    durationMs: e.duration_ms ?? undefined,
    ok: e.status === 'success' ? true : e.status === 'pending' ? undefined : false,
    error: errorText(e.error) ?? (e.status === 'denied' ? 'denied' : undefined),
    cost:
      !usage && credits !== undefined
        ? dropUndefined({ credits, skill: e.service ?? undefined, action: e.action ?? undefined })
        : undefined,
    userUuid: e.user ?? undefined,
    user: null,
  })
}

/** The native kind in Wiro's words; kinds Wiro has no word for (such as `audit`) keep their own. */
function wiroKind(e: Event): string {
  const family = (WIRO_KIND_FAMILY as Record<string, string>)[e.action ?? '']
  if (family === e.kind && e.action) return e.action
  switch (e.kind) {
    case 'tool_call':
    case 'action':
    case 'http_call':
      return e.status === 'pending' ? 'tool_started' : 'tool_completed'
    case 'turn':
      return 'turn_ended'
    case 'cron':
      return 'cron_finished'
    case 'session':
      return 'session_start'
    case 'message':
      return 'agent_reply'
    case 'llm_call':
    case 'token_usage':
      return 'token_usage'
    default:
      return e.kind
  }
}

function titleOf(e: Event): string {
  const outcome = e.status === 'error' ? ' (failed)' : e.status === 'denied' ? ' (denied)' : ''
  if (e.kind === 'llm_call' || e.kind === 'token_usage')
    return `Model call: ${e.model ?? 'unknown model'}${e.tokens_total === null ? '' : ` · ${e.tokens_total} tokens`}${outcome}`
  return `${[e.service, e.action].filter(Boolean).join(' · ') || e.kind}${outcome}`
}

function summaryOf(e: Event): Json | undefined {
  const summary = dropUndefined({
    input: e.input ?? undefined,
    output: e.output ?? undefined,
    trace_id: e.trace_id ?? undefined,
    conversation_id: e.conversation_id ?? undefined,
    metadata: Object.keys(e.metadata).length > 0 ? e.metadata : undefined,
  })
  return Object.keys(summary).length > 0 ? summary : undefined
}

/** One line: Wiro's `error` is a string. */
function errorText(error: unknown): string | undefined {
  if (error === null || error === undefined) return undefined
  return typeof error === 'string' ? error : JSON.stringify(error)
}
