import type { Context } from 'hono'
import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { BudgetUsage } from '../../control/budget-record.js'
import type { AppDeps } from '../app-env.js'
import type { AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { RouteSpec } from '../route-spec.js'
import type { Router } from '../router.js'
import {
  BudgetPatchSchema,
  BudgetResetSchema,
  BudgetSchema,
  NewBudgetSchema,
  budgetView,
  requireLimit,
  sentAgent,
} from './budget-schemas.js'
import { recordControlChange } from './control-audit.js'

const BODY_BYTES = 16 * 1024
const name = z.string().min(1).max(LIMITS.shortString).optional()
const ListQuery = z.object({
  agent_name: name.describe('Only this agent’s budgets (not the org-wide ones).'),
  environment: name,
})
const EnvQuery = z.object({ environment: name })
const IdQuery = z.object({ id: z.string({ error: 'is required' }).min(1, 'is required') })
const IdParams = z.object({ id: z.string() })
const Message = (text: string) => z.object({ message: z.literal(text) })
const notFound = () => new AppError('not_found', 'no budget with this id in your org')
const subject = (b: BudgetUsage) =>
  `${b.period} budget of ${b.agent_name ?? 'every agent'} in ${b.environment}`
const limits = (b: BudgetUsage) => ({
  max_actions: b.max_actions,
  max_cost_cents: b.max_cost_cents,
})
const sameLimits = (a: BudgetUsage, b: BudgetUsage) =>
  a.max_actions === b.max_actions && a.max_cost_cents === b.max_cost_cents

type SpecRest = Omit<RouteSpec, 'method' | 'path' | 'tag' | 'scope' | 'summary'>
const spec = <const R extends SpecRest>(
  method: RouteSpec['method'],
  path: string,
  scope: 'read' | 'control',
  summary: string,
  rest: R,
) => ({ method, path, tag: 'control', scope, summary, bodyBytes: BODY_BYTES, ...rest })

/** Budgets (`/api/v1/budgets`): create or change, list with the current period's usage, change limits, reset, delete. */
export function budgetRoutes(router: Router, deps: Pick<AppDeps, 'store' | 'committer'>): void {
  const { store, committer } = deps
  const orgOf = (c: Context<AppEnv>) => c.get('apiKey').org_id
  const audit = (
    c: Context<AppEnv>,
    action: string,
    title: string,
    budget: BudgetUsage,
    extra: Record<string, unknown> = {},
  ) =>
    recordControlChange(c, committer, {
      action,
      title,
      environment: budget.environment,
      metadata: { budget, ...extra },
    })

  router.add(
    spec(
      'post',
      '/api/v1/budgets',
      'control',
      'Create a budget, or change the limits of the one of that agent, environment and period',
      {
        description:
          'One budget per (environment, agent, period): a second POST replaces its limits (an absent limit is no limit). 201 when created, ' +
          '200 when an existing budget changed. Recorded as `budget.created` or `budget.updated`.',
        query: EnvQuery,
        body: NewBudgetSchema,
        responses: {
          200: { description: 'An existing budget’s limits changed', schema: BudgetSchema },
          201: { description: 'Created', schema: BudgetSchema },
          400: { description: 'A bad field, named; no limit', schema: ErrorBodySchema },
        },
      },
    ),
    async (c, { body, query }) => {
      const agent = sentAgent(body)
      const environment = body.environment ?? query.environment ?? 'production'
      const wanted = {
        max_actions: body.max_actions ?? null,
        max_cost_cents: body.max_cost_cents ?? null,
      }
      requireLimit(wanted.max_actions, wanted.max_cost_cents, 'set')
      const orgId = orgOf(c)
      const now = Date.now()
      const before = (
        await store.control.listBudgets(orgId, { agent_name: agent ?? undefined, environment }, now)
      ).find((b) => b.agent_name === agent && b.period === body.period)
      const { budget, created } = await store.control.putBudget(
        orgId,
        { environment, agent_name: agent, period: body.period, ...wanted },
        now,
      )
      if (created) await audit(c, 'budget.created', `Created the ${subject(budget)}`, budget)
      else if (!before || !sameLimits(before, budget))
        await audit(c, 'budget.updated', `Changed the limits of the ${subject(budget)}`, budget, {
          from: before && limits(before),
        })
      return c.json(budgetView(budget), created ? 201 : 200)
    },
  )

  router.add(
    spec('get', '/api/v1/budgets', 'read', 'Budgets with their usage in the current period', {
      query: ListQuery,
      responses: {
        200: { description: 'The budgets', schema: z.object({ budgets: z.array(BudgetSchema) }) },
      },
    }),
    async (c, { query }) => {
      const budgets = await store.control.listBudgets(orgOf(c), query, Date.now())
      return c.json({ budgets: budgets.map(budgetView) })
    },
  )

  router.add(
    spec('get', '/api/v1/budgets/{id}', 'read', 'One budget with its usage in the current period', {
      params: IdParams,
      responses: {
        200: { description: 'The budget', schema: BudgetSchema },
        404: { description: 'No such budget', schema: ErrorBodySchema },
      },
    }),
    async (c, { params }) => {
      const budget = await store.control.getBudget(orgOf(c), params.id, Date.now())
      if (!budget) throw notFound()
      return c.json(budgetView(budget))
    },
  )

  router.add(
    spec('patch', '/api/v1/budgets/{id}', 'control', 'Change a budget’s limits', {
      description:
        'Limits not sent keep their value; null removes one, but one must remain. Recorded as `budget.updated`.',
      params: IdParams,
      body: BudgetPatchSchema,
      responses: {
        200: { description: 'The budget after the change', schema: BudgetSchema },
        400: { description: 'A bad field, named; no limit would remain', schema: ErrorBodySchema },
        404: { description: 'No such budget', schema: ErrorBodySchema },
      },
    }),
    async (c, { params: { id }, body: patch }) => {
      if (patch.max_actions === undefined && patch.max_cost_cents === undefined)
        requireLimit(null, null, 'send')
      const orgId = orgOf(c)
      const before = await store.control.getBudget(orgId, id, Date.now())
      if (!before) throw notFound()
      const next = (field: 'max_actions' | 'max_cost_cents') =>
        patch[field] === undefined ? before[field] : patch[field]
      requireLimit(next('max_actions'), next('max_cost_cents'), 'keep')
      const budget = await store.control.updateBudget(orgId, id, patch, Date.now())
      if (!budget) throw notFound()
      if (!sameLimits(before, budget))
        await audit(c, 'budget.updated', `Changed the limits of the ${subject(budget)}`, budget, {
          from: limits(before),
        })
      return c.json(budgetView(budget))
    },
  )

  const reset = async (c: Context<AppEnv>, id: string) => {
    const orgId = orgOf(c)
    const before = await store.control.getBudget(orgId, id, Date.now())
    const budget = before && (await store.control.resetBudget(orgId, id, Date.now()))
    if (!before || !budget) throw notFound()
    const counters = {
      period_start: before.period_start,
      current_actions: before.current_actions,
      current_cost_cents: before.current_cost_cents,
    }
    await audit(c, 'budget.reset', `Reset the counters of the ${subject(budget)}`, budget, {
      previous: counters,
    })
    return c.json({ message: 'Budget reset' as const, budget: budgetView(budget) })
  }
  const resetResponses = {
    200: { description: 'Reset', schema: Message('Budget reset').extend({ budget: BudgetSchema }) },
    404: { description: 'No such budget', schema: ErrorBodySchema },
  }
  const resetNote =
    'Sets the current period’s counters back to zero (periods start anew by themselves). Recorded as `budget.reset`.'
  router.add(
    spec(
      'patch',
      '/api/v1/budgets',
      'control',
      'Reset a budget’s counters (AgentLedger’s form: `{id}`)',
      {
        description: resetNote,
        body: BudgetResetSchema,
        responses: resetResponses,
      },
    ),
    (c, { body }) => reset(c, body.id),
  )
  router.add(
    spec('post', '/api/v1/budgets/{id}/reset', 'control', 'Reset a budget’s counters', {
      description: resetNote,
      params: IdParams,
      responses: resetResponses,
    }),
    (c, { params }) => reset(c, params.id),
  )

  const remove = async (c: Context<AppEnv>, id: string) => {
    const orgId = orgOf(c)
    const budget = await store.control.getBudget(orgId, id, Date.now())
    if (!budget || !(await store.control.deleteBudget(orgId, id))) throw notFound()
    await audit(c, 'budget.deleted', `Deleted the ${subject(budget)}`, budget)
    return c.json({ message: 'Budget deleted' as const })
  }
  const deleteResponses = {
    200: { description: 'Deleted', schema: Message('Budget deleted') },
    404: { description: 'No such budget', schema: ErrorBodySchema },
  }
  router.add(
    spec('delete', '/api/v1/budgets/{id}', 'control', 'Delete a budget', {
      params: IdParams,
      responses: deleteResponses,
    }),
    (c, { params }) => remove(c, params.id),
  )
  router.add(
    spec('delete', '/api/v1/budgets', 'control', 'Delete a budget (AgentLedger’s form: `?id=`)', {
      query: IdQuery,
      responses: deleteResponses,
    }),
    (c, { query }) => remove(c, query.id),
  )
}
