import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import { BUDGET_PERIODS } from '../../control/budget-period.js'
import type { BudgetUsage } from '../../control/budget-record.js'
import { strictBody } from './strict-body.js'

const PERIODS = BUDGET_PERIODS.join(', ')
const MAX_LIMIT = 1e12

const agentName = () =>
  z
    .string({ error: 'must be a string or null' })
    .min(1, 'must not be empty; send null or leave it out for every agent')
    .max(LIMITS.shortString, `must be at most ${LIMITS.shortString} characters`)
const maxActions = () =>
  z
    .number({ error: 'must be a number or null' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
const maxCost = () =>
  z
    .number({ error: 'must be a number or null' })
    .positive('must be greater than 0')
    .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)

export const NewBudgetSchema = strictBody({
  agent_name: agentName()
    .nullable()
    .optional()
    .describe('The agent; null or absent: every agent of the environment together.'),
  agent: agentName()
    .nullable()
    .optional()
    .describe('The documentation’s spelling of `agent_name`.'),
  environment: z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(LIMITS.shortString)
    .optional()
    .describe('Default: the `environment` query parameter, else production.'),
  period: z.enum(BUDGET_PERIODS, {
    error: (issue) =>
      issue.input === undefined ? `is required: one of ${PERIODS}` : `must be one of ${PERIODS}`,
  }),
  max_actions: maxActions()
    .nullable()
    .optional()
    .describe('Actions per period; absent or null: no action limit.'),
  max_cost_cents: maxCost()
    .nullable()
    .optional()
    .describe('Cost per period in cents; absent or null: no cost limit.'),
}).meta({ id: 'NewBudget' })

export const BudgetPatchSchema = strictBody({
  max_actions: maxActions().nullable().optional().describe('null removes the action limit.'),
  max_cost_cents: maxCost().nullable().optional().describe('null removes the cost limit.'),
}).meta({ id: 'BudgetPatch' })

/** AgentLedger's `PATCH /api/v1/budgets {id}`: resets the current period's counters. */
export const BudgetResetSchema = strictBody({
  id: z.string({ error: 'is required' }).min(1, 'is required'),
}).meta({ id: 'BudgetReset' })

export const BudgetSchema = z
  .object({
    id: z.string(),
    environment: z.string(),
    agent_name: z.string().nullable().describe('null: every agent of the environment together.'),
    agents: z
      .object({ name: z.string() })
      .nullable()
      .describe('AgentLedger’s joined agent row: `{name}`, null for an org-wide budget.'),
    period: z.enum(BUDGET_PERIODS),
    max_actions: z.number().nullable(),
    max_cost_cents: z.number().nullable(),
    period_start: z.string().describe('Start of the current period (UTC calendar).'),
    period_end: z.string(),
    current_actions: z.number(),
    current_cost_cents: z.number(),
    pct_actions: z.number().nullable(),
    pct_cost: z.number().nullable(),
    status: z
      .enum(['ok', 'warning', 'exceeded'])
      .describe('warning from 75%, exceeded from 100% of either limit.'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Budget' })

/** A budget as answered: its usage in the current period, and AgentLedger's `agents: {name}`. */
export const budgetView = (b: BudgetUsage) => ({
  ...b,
  agents: b.agent_name === null ? null : { name: b.agent_name },
})

/** 400 unless at least one limit is left. */
export function requireLimit(
  maxActions: number | null,
  maxCostCents: number | null,
  what: string,
): void {
  if (maxActions !== null || maxCostCents !== null) return
  const message = `${what} at least one of max_actions and max_cost_cents`
  throw new AppError('validation_failed', `max_actions: ${message}`, [
    { path: 'max_actions', message },
  ])
}

/** The agent a budget body names under either spelling; 400 when both are sent and differ. */
export function sentAgent(body: {
  agent_name?: string | null
  agent?: string | null
}): string | null {
  if (body.agent_name !== undefined && body.agent !== undefined && body.agent_name !== body.agent) {
    const message = 'agent_name and agent are two spellings of one field and differ here; send one'
    throw new AppError('validation_failed', `agent: ${message}`, [{ path: 'agent', message }])
  }
  return body.agent_name ?? body.agent ?? null
}
