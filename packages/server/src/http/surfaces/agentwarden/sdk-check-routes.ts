import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { CheckService } from '../../../ingest/check-service.js'
import { rawBody } from '../../route-spec.js'
import type { Router } from '../../router.js'
import { AgentWardenErrorSchema } from './agentwarden-errors.js'
import { clientAddress } from '../../ingest-request.js'

const CheckInputSchema = z
  .looseObject({
    agent_id: z.string().describe('Required. The agent about to act.'),
    action: z.string().describe('Required. Such as stripe.refund or email.send.'),
    context: z
      .record(z.string(), z.unknown())
      .nullable()
      .optional()
      .describe('The action’s details: payload rules and approvals look at them.'),
    cost_cents: z
      .number()
      .min(0)
      .optional()
      .describe('The expected cost, in cents: cost rules and budgets decide on it.'),
    environment: z.string().optional().describe('Default `production`.'),
  })
  .meta({ id: 'AgentWardenCheckInput' })

const CheckAnswerSchema = z
  .object({
    allowed: z.boolean(),
    reason: z
      .string()
      .optional()
      .describe(
        'Why not, when refused: log it with status `denied` as AgentWarden recommends, or rely on the record the server already made (`event_id`).',
      ),
    requires_approval: z.boolean().optional(),
    approval_id: z.string().optional(),
    policy_id: z.string().optional(),
    budget_id: z.string().optional(),
    remaining_budget: z.object({
      actions: z.number().optional(),
      cost_cents: z.number().optional(),
    }),
    event_id: z.string().optional(),
  })
  .meta({ id: 'AgentWardenCheck' })

const DetailSchema = AgentWardenErrorSchema

const field = (
  body: Record<string, unknown>,
  name: string,
  problems: Array<{ path: string; message: string }>,
) => {
  const value = body[name]
  if (typeof value !== 'string' || value.trim() === '')
    problems.push({ path: name, message: 'This field is required.' })
  else if (value.length > LIMITS.shortString)
    problems.push({
      path: name,
      message: `Ensure this field has no more than ${LIMITS.shortString} characters.`,
    })
  return typeof value === 'string' ? value : ''
}

/** AgentWarden's `POST /sdk/check`: the control plane's decision in AgentWarden's style (snake_case, `reason`). */
export function sdkCheckRoutes(router: Router, check: CheckService): void {
  router.add(
    {
      method: 'post',
      path: '/sdk/check',
      tag: 'agentwarden',
      surface: 'agentwarden',
      scope: 'ingest',
      summary: 'Decide an action before it happens (AgentWarden)',
      description:
        'Send the key as `X-API-Key`. The same decision as `POST /api/v1/check` (docs/control.md): `allowed`, and when refused the `reason`. A refusal is already recorded as a `denied` event.',
      // Parsed here, for AgentWarden's `{"detail": {field: [messages]}}`.
      body: rawBody(CheckInputSchema),
      bodyBytes: LIMITS.eventBodyBytes,
      responses: {
        200: { description: 'The decision', schema: CheckAnswerSchema },
        400: { description: '`{"detail": {field: [messages]}}`', schema: DetailSchema },
        401: { description: '`{"detail": "Invalid API key"}`', schema: DetailSchema },
        404: {
          description: '`{"detail": "Agent not found"}`: the org requires registered agents',
          schema: DetailSchema,
        },
      },
    },
    async (c, { body: value, key }) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new AppError('validation_failed', 'The request body must be a JSON object')
      const body = value as Record<string, unknown>
      const problems: Array<{ path: string; message: string }> = []
      const agent = field(body, 'agent_id', problems)
      const action = field(body, 'action', problems)
      const context = body.context
      if (
        context !== undefined &&
        context !== null &&
        (typeof context !== 'object' || Array.isArray(context))
      )
        problems.push({ path: 'context', message: 'Must be an object.' })
      const cost = body.cost_cents
      if (cost !== undefined && (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0))
        problems.push({ path: 'cost_cents', message: 'Must be a number, 0 or more.' })
      const environment = body.environment
      if (environment !== undefined && (typeof environment !== 'string' || environment === ''))
        problems.push({ path: 'environment', message: 'Must be a non-empty string.' })
      if (problems.length > 0) throw new AppError('validation_failed', 'Invalid fields', problems)
      const d = await check(
        {
          agent,
          action,
          // Stored and judged as `/sdk/log` stores it: the event's context.
          ...(context !== undefined &&
            context !== null && { context: context as Record<string, unknown> }),
          ...(typeof cost === 'number' && { cost_usd: cost / 100 }),
          ...(typeof environment === 'string' && { environment }),
        },
        { orgId: key.org_id, keyId: key.id, ipAddress: clientAddress(c) },
      )
      return c.json({
        allowed: d.allowed,
        ...(d.blockReason !== undefined && { reason: d.blockReason }),
        ...(d.requiresApproval && {
          requires_approval: true,
          reason: 'Approval required by policy',
          approval_id: d.approvalId,
        }),
        ...(d.policyId !== undefined && { policy_id: d.policyId }),
        ...(d.budgetId !== undefined && { budget_id: d.budgetId }),
        remaining_budget: {
          ...(d.remainingBudget.actions !== undefined && { actions: d.remainingBudget.actions }),
          ...(d.remainingBudget.costCents !== undefined && {
            cost_cents: d.remainingBudget.costCents,
          }),
        },
        ...(d.eventId !== undefined && { event_id: d.eventId }),
      })
    },
  )
}
