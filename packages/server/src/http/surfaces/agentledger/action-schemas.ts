import { z } from 'zod'
import { LIMITS, normalizeStatus, parseTimeBound } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { EventFilter } from '../../../store/store.js'

export const AgentLedgerErrorSchema = z
  .object({ error: z.string(), code: z.string().optional() })
  .meta({
    id: 'AgentLedgerError',
    description: 'AgentLedger error body; `code` is the native machine-readable code.',
  })

const count = z.number().min(0).max(LIMITS.maxCount).nullish()

/**
 * The body `eventFromAction` (protocol) accepts, which parses it: AgentLedger's messages, and
 * per-item errors in a batch. Over-long names and payloads are cut, not refused.
 */
export const ActionInputSchema = z
  .looseObject({
    agent: z.string().describe('Required, not blank.'),
    service: z.string().describe('Required, not blank.'),
    action: z.string().describe('Required, not blank.'),
    status: z
      .string()
      .nullish()
      .describe('Default `success`; a word not known is stored as `success`.'),
    cost_cents: count,
    duration_ms: count,
    metadata: z.record(z.string(), z.unknown()).nullish(),
    trace_id: z.string().nullish(),
    environment: z.string().nullish(),
    input: z.unknown().optional(),
    output: z.unknown().optional(),
    id: z.string().optional().describe('A client-chosen event id: the append is idempotent on it.'),
  })
  .meta({ id: 'AgentLedgerActionInput' })

export const ActionLogSchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    agent_name: z.string().nullable(),
    service: z.string().nullable(),
    action: z.string().nullable(),
    status: z.string().describe('success, error, blocked or pending'),
    estimated_cost_cents: z.number(),
    duration_ms: z.number(),
    request_meta: z.record(z.string(), z.unknown()),
    trace_id: z.string().nullable(),
    input: z.unknown(),
    output: z.unknown(),
    environment: z.string(),
    created_at: z.string().describe('When the action started (ISO 8601).'),
  })
  .meta({ id: 'ActionLog' })

const text = z.string().min(1).max(LIMITS.shortString)

/** Filters shared by `GET /api/v1/actions` and `GET /api/v1/export`; messages as AgentLedger words them. */
export const ActionFilterQuery = {
  agent: text.optional(),
  service: text.optional(),
  environment: text.optional(),
  trace_id: text.optional(),
  status: z.string().optional().describe('success, error, blocked (or pending)'),
  from: z.string().optional().describe('ISO 8601'),
  to: z.string().optional().describe('ISO 8601'),
}

export const ActionsQuerySchema = z.object({
  ...ActionFilterQuery,
  search: z
    .string()
    .min(1)
    .max(LIMITS.shortString)
    .optional()
    .describe('Part of the action name, any case.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(50)
    .transform((n) => Math.min(n, 200))
    .describe('1 to 200 (larger values mean 200). Default 50.'),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  cursor: z.string().optional(),
})

/** The store filter for AgentLedger's parameters; 400 with AgentLedger's messages on bad ones. */
export function actionFilter(q: {
  agent?: string
  service?: string
  environment?: string
  trace_id?: string
  status?: string
  from?: string
  to?: string
  search?: string
}): EventFilter {
  const time = (name: 'from' | 'to') => {
    const value = q[name]
    if (value === undefined) return undefined
    // PostgREST handed AgentLedger's bound to PostgreSQL, which reads a time without a zone as UTC.
    const ms = parseTimeBound(value, { zoneless: 'utc' })
    if (ms === undefined)
      throw new AppError('invalid_query', `Invalid "${name}" date. Must be ISO 8601 format.`)
    return ms
  }
  let status: EventFilter['status']
  if (q.status !== undefined) {
    status = ['success', 'error', 'blocked', 'pending'].includes(q.status)
      ? normalizeStatus(q.status)
      : undefined
    if (!status)
      throw new AppError(
        'invalid_query',
        'Invalid status. Must be one of: success, error, blocked, pending',
      )
  }
  const from = time('from')
  // AgentLedger's `to` is inclusive.
  const to = time('to')
  return {
    agent: q.agent,
    service: q.service,
    environment: q.environment,
    traceId: q.trace_id,
    status,
    from,
    to: to === undefined ? undefined : to + 1,
    actionContains: q.search,
  }
}
