import { z } from 'zod'
import { LIMITS } from '../../limits.js'

/**
 * Wiro's `ActivityEvent` (shared/reference/003, "ActivityEvent Shape") and how it maps onto the
 * native event. The fine-grained Wiro kind is kept in `action`; the native `kind` is its family.
 * What has no native column (`ok` when absent, the credit skill and action, `calls`,
 * `remainingcredits`, the resolved `user`, unknown fields) is kept under `metadata.wiro`, so that
 * `activityFromEvent` gives back what was sent.
 */

/** The documented kinds, each with its native family. */
export const WIRO_KIND_FAMILY = {
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
} as const satisfies Record<string, string>

export type WiroActivityKind = keyof typeof WIRO_KIND_FAMILY
export const WIRO_ACTIVITY_KINDS = Object.keys(WIRO_KIND_FAMILY) as WiroActivityKind[]

const required = (field: string, type: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? `${field} is required` : `${field} must be a ${type}`,
})
const name = z.string().min(1).max(LIMITS.shortString)
const count = z.number().int().min(0).max(LIMITS.maxCount)
const credits = z.number().min(0).max(1e10)

const TokensSchema = z.looseObject({
  input: count.optional(),
  output: count.optional(),
  cacheRead: count.optional(),
  cacheWrite: count.optional(),
  total: count.optional(),
})

/** One activity line as the Wiro plugin writes it. Unknown fields are accepted and kept. */
export const ActivityEventSchema = z
  .looseObject({
    ts: z.string().max(64).optional().describe('ISO 8601 UTC. Default: receive time.'),
    kind: z
      .string(required('kind', 'string'))
      .regex(
        /^[a-z][a-z0-9_]{0,63}$/,
        'kind must be a lower-case identifier such as tool_completed',
      )
      .describe(`One of ${WIRO_ACTIVITY_KINDS.join(', ')}.`),
    tool: name.optional(),
    title: z.string(required('title', 'string')).max(LIMITS.title),
    summary: z.unknown().optional(),
    durationMs: z.number().min(0).max(LIMITS.maxCount).optional(),
    ok: z.boolean().optional(),
    error: z.string().max(LIMITS.payloadBytes).optional(),
    cost: z.looseObject({ credits, skill: name.optional(), action: name.optional() }).optional(),
    userUuid: name.optional(),
    user: z.record(z.string(), z.unknown()).nullable().optional(),
    model: name.optional(),
    tokens: TokensSchema.optional(),
    tokencost: credits.optional(),
    calls: count.optional(),
    remainingcredits: z.number().optional(),
  })
  .meta({ id: 'ActivityEvent' })

export type ActivityEvent = z.infer<typeof ActivityEventSchema>

/** Wiro credits as exact decimal dollars (1 credit = $0.01), as text so no float error creeps in. */
export function creditsToUsd(amount: number): string {
  return (amount / 100).toFixed(8)
}

/** Dollars back to credits, exact to the micro-dollar. */
export function usdToCredits(usd: number): number {
  return Number((usd * 100).toFixed(4))
}

/**
 * A validated ActivityEvent as a native event of `agent` in `environment`. A replayed usage callback
 * (`token_usage_idempotent`) was already billed: its tokens and credits stay in `metadata.wiro` so
 * that stats do not count them twice.
 */
export function eventFromActivity(
  activity: ActivityEvent,
  target: { agent: string; environment: string },
): Record<string, unknown> {
  const {
    ts,
    kind,
    tool,
    title,
    summary,
    durationMs,
    ok,
    error,
    cost,
    userUuid,
    user,
    model,
    tokens,
    tokencost,
    calls,
    remainingcredits,
    ...extra
  } = activity
  const replay = kind === 'token_usage_idempotent'
  const wiro: Record<string, unknown> = {}
  if (ok !== undefined) wiro.ok = ok
  let billed: number | undefined
  if (tokencost !== undefined) {
    if (replay) wiro.tokencost = tokencost
    else billed = tokencost
  }
  if (cost !== undefined) {
    const { credits: charged, ...rest } = cost
    if (billed === undefined && !replay) {
      billed = charged
      wiro.cost = rest
    } else wiro.cost = cost
  }
  const native: Record<string, unknown> = {}
  if (tokens !== undefined) {
    if (replay) wiro.tokens = tokens
    else {
      const { input, output, cacheRead, cacheWrite, total, ...more } = tokens
      Object.assign(native, {
        tokens_input: input,
        tokens_output: output,
        tokens_cache_read: cacheRead,
      })
      Object.assign(native, { tokens_cache_write: cacheWrite, tokens_total: total })
      if (Object.keys(more).length > 0) wiro.tokens_extra = more
    }
  }
  if (calls !== undefined) wiro.calls = calls
  if (remainingcredits !== undefined) wiro.remainingcredits = remainingcredits
  if (user !== undefined) wiro.user = user
  if (Object.keys(extra).length > 0) wiro.extra = extra
  return dropUndefined({
    ts,
    agent: target.agent,
    environment: target.environment,
    kind: (WIRO_KIND_FAMILY as Record<string, string>)[kind] ?? kind,
    action: kind,
    service: tool,
    status: kind === 'balance_gate_blocked' ? 'denied' : ok === false ? 'error' : 'success',
    title,
    user: userUuid,
    model,
    ...native,
    cost_usd: billed === undefined ? undefined : creditsToUsd(billed),
    duration_ms: durationMs,
    output: summary,
    error,
    metadata: { wiro: JSON.parse(JSON.stringify(wiro)) as unknown },
  })
}

/** The record without its `undefined` entries, in the same key order. */
export function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined))
}
