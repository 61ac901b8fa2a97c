import { z } from 'zod'
import { CONTROL_RULES, LIMITS } from '@agenttrail/protocol'
import type { CheckService } from '../../ingest/check-service.js'
import type { Router } from '../router.js'
import { AgentLedgerErrorSchema } from '../surfaces/agentledger/action-schemas.js'
import { clientAddress } from '../ingest-request.js'

/** Names are cleaned as `POST /api/v1/actions` cleans them (control characters out, trimmed), so a check and its record name the same agent. */
const name = (what: string) =>
  z.preprocess(
    // eslint-disable-next-line no-control-regex
    (v) => (typeof v === 'string' ? v.replace(/[\u0000-\u001f\u007f]/g, '').trim() : v),
    z
      .string({ error: `${what} must be a string` })
      .min(1, `${what} must not be empty`)
      .max(LIMITS.shortString, `${what} must be at most ${LIMITS.shortString} characters`),
  )

export const CheckBodySchema = z
  .strictObject({
    agent: name('agent'),
    service: name('service').nullish(),
    action: name('action').nullish(),
    environment: name('environment').nullish().describe('Default `production`.'),
    input: z
      .unknown()
      .optional()
      .describe('The payload the action will send: payload rules and approvals look at it.'),
    cost_cents: z
      .number()
      .min(0, 'must not be negative')
      .max(1e9)
      .optional()
      .describe('The expected cost, in cents.'),
    cost_usd: z
      .union([z.number().min(0), z.string().max(32)])
      .optional()
      .describe('The expected cost, exact decimal dollars.'),
    trace_id: name('trace_id').optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((b) => b.cost_cents === undefined || b.cost_usd === undefined, {
    message: 'give the cost once, as cost_cents or cost_usd',
    path: ['cost_usd'],
  })
  .meta({ id: 'CheckRequest' })

export const DecisionSchema = z
  .object({
    allowed: z.boolean(),
    blockReason: z.string().optional(),
    requiresApproval: z.boolean().optional(),
    approvalId: z.string().optional(),
    policyId: z.string().optional(),
    budgetId: z.string().optional(),
    rule: z.enum(CONTROL_RULES).optional(),
    remainingBudget: z.object({ actions: z.number().optional(), costCents: z.number().optional() }),
    eventId: z
      .string()
      .optional()
      .describe('The event that records the refusal or the approval request.'),
  })
  .meta({ id: 'Decision' })

/** `POST /api/v1/check`: AgentLedger's pre-flight check, which here also takes the input and cost. */
export function checkRoutes(router: Router, check: CheckService): void {
  router.add(
    {
      method: 'post',
      path: '/api/v1/check',
      tag: 'control',
      surface: 'agentledger',
      scope: 'ingest',
      summary: 'Decide an action before it happens',
      description:
        'The agent’s state, its budgets and the policies that apply to it, in that order (docs/control.md); the first refusal wins. Every decision answers 200 with `allowed`. A refusal is recorded as a `denied` event, an approval request as a `pending` one; an allowed action is counted at once in its budgets and rate windows, and its own record (`POST /api/v1/actions` with the same agent, service and action) settles the cost within 15 minutes without counting it twice.',
      body: CheckBodySchema,
      bodyBytes: LIMITS.eventBodyBytes,
      responses: {
        200: { description: 'The decision', schema: DecisionSchema },
        400: { description: 'A missing or bad field', schema: AgentLedgerErrorSchema },
        401: { description: 'Missing or invalid API key', schema: AgentLedgerErrorSchema },
        404: {
          description: 'The org requires registered agents, and this one is not registered',
          schema: AgentLedgerErrorSchema,
        },
      },
    },
    async (c, { body, key }) => {
      const { cost_cents, ...rest } = body
      const decision = await check(
        {
          ...rest,
          service: rest.service ?? undefined,
          action: rest.action ?? undefined,
          environment: rest.environment ?? undefined,
          ...(cost_cents !== undefined && { cost_usd: cost_cents / 100 }),
        },
        { orgId: key.org_id, keyId: key.id, ipAddress: clientAddress(c) },
      )
      return c.json(decision)
    },
  )
}
