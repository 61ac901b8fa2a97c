import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { ApprovalStatus } from '../../store/control-store.js'
import type { Store } from '../../store/store.js'
import type { Router } from '../router.js'
import type { Context } from 'hono'
import type { AppEnv } from '../app-env.js'
import { AgentLedgerErrorSchema } from '../surfaces/agentledger/action-schemas.js'
import { clientAddress } from '../ingest-request.js'

const STATUSES = [
  'pending',
  'approved',
  'denied',
  'expired',
] as const satisfies readonly ApprovalStatus[]

const ApprovalSchema = z
  .object({
    id: z.string(),
    environment: z.string(),
    agent_name: z.string(),
    service: z.string().nullable(),
    action: z.string().nullable(),
    input_hash: z
      .string()
      .describe('SHA-256 of the input as stored: the approval lets through exactly this action.'),
    input: z.unknown(),
    cost_cents: z.number().nullable(),
    policy_id: z.string().nullable(),
    status: z.enum(STATUSES).describe('`expired` once a pending request passes `expires_at`.'),
    requested_at: z.string(),
    expires_at: z.string(),
    requested_by: z.string().nullable().describe('The key that asked; it may not decide.'),
    decided_at: z.string().nullable(),
    decided_by: z.string().nullable().describe('The key that decided.'),
    decided_by_name: z
      .string()
      .nullable()
      .describe('Who the decider said they are (`decided_by` in the body).'),
    note: z.string().nullable(),
    used_at: z
      .string()
      .nullable()
      .describe('When the approved action went through: an approval lets one action through.'),
    event_id: z.string().nullable().describe('The `pending` event that records the request.'),
  })
  .meta({ id: 'Approval' })

const ListQuerySchema = z.object({
  status: z.enum(STATUSES, { error: `status must be one of ${STATUSES.join(', ')}` }).optional(),
  agent: z.string().min(1).max(LIMITS.shortString).optional(),
  environment: z.string().min(1).max(LIMITS.shortString).optional(),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(200, 'limit must be at most 200')
    .default(50),
})

const DecisionBodySchema = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('With `PATCH /api/v1/approvals` (AgentLedger’s form): the approval.'),
    status: z
      .enum(['approved', 'denied'], { error: 'must be approved or denied' })
      .optional()
      .describe('The documented form.'),
    decision: z
      .enum(['approved', 'denied'], { error: 'must be approved or denied' })
      .optional()
      .describe('AgentLedger’s body form.'),
    decided_by: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Who decided, in words; the key that decided is recorded anyway.'),
    note: z.string().max(2_000).optional(),
  })
  .refine((b) => b.status !== undefined || b.decision !== undefined, {
    message: 'status (or decision) is required: approved or denied',
    path: ['status'],
  })
  .refine((b) => b.status === undefined || b.decision === undefined || b.status === b.decision, {
    message: 'status and decision disagree; send one of them',
    path: ['decision'],
  })
  .meta({ id: 'ApprovalDecision' })

/**
 * Approvals: the requests a `require_approval` policy makes (see docs/control.md), their listing and
 * their decision. Deciding needs the `approve` scope and another key than the one that asked; the
 * decision is recorded in the trail with the deciding key.
 */
export function approvalRoutes(router: Router, store: Store): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/approvals',
      tag: 'control',
      surface: 'agentledger',
      scope: 'read',
      summary: 'List approval requests, newest first',
      query: ListQuerySchema,
      responses: {
        200: {
          description: 'Approval requests',
          schema: z.object({ approvals: z.array(ApprovalSchema) }),
        },
        400: { description: 'A bad parameter', schema: AgentLedgerErrorSchema },
      },
    },
    async (c, { query, key }) => {
      const approvals = await store.control.listApprovals(key.org_id, query, Date.now())
      return c.json({ approvals })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/approvals/{id}',
      tag: 'control',
      surface: 'agentledger',
      scope: ['ingest', 'read'],
      summary: 'One approval request',
      description:
        'What `waitForApproval` polls: an agent’s ingest key may read it, as may a read key.',
      params: z.object({ id: z.string() }),
      responses: {
        200: { description: 'The approval request', schema: ApprovalSchema },
        404: { description: 'No such approval in this org', schema: AgentLedgerErrorSchema },
      },
    },
    async (c, { params, key }) => {
      const approval = await store.control.getApproval(key.org_id, params.id, Date.now())
      if (!approval) throw new AppError('not_found', 'Approval request not found')
      return c.json(approval)
    },
  )

  const decide = async (
    c: Context<AppEnv>,
    id: string | undefined,
    body: z.infer<typeof DecisionBodySchema>,
  ) => {
    if (id === undefined)
      throw new AppError('validation_failed', 'id: is required', [
        { path: 'id', message: 'is required' },
      ])
    const key = c.get('apiKey')
    const status = (body.status ?? body.decision) as 'approved' | 'denied'
    // The decision and its record in the trail (`approval.approved`, with this key) commit together.
    const result = await store.control.decideApproval(
      key.org_id,
      id,
      { status, keyId: key.id, name: body.decided_by ?? null, note: body.note ?? null },
      Date.now(),
      { keyId: key.id, keyName: key.name, ipAddress: clientAddress(c) },
    )
    switch (result.outcome) {
      case 'not_found':
        throw new AppError('not_found', 'Approval request not found')
      case 'own_request':
        throw new AppError(
          'forbidden',
          'the key that requested this approval cannot decide it; decide with another key that has the approve scope',
        )
      case 'already_decided':
        throw new AppError(
          'already_decided',
          `Approval request already ${result.approval.status}`,
        ).with({ approval: result.approval })
      case 'expired':
        throw new AppError('expired', 'Approval request has expired').with({
          approval: result.approval,
        })
      case 'decided':
        return c.json({ approval: result.approval })
    }
  }

  const decideSpec = {
    method: 'patch' as const,
    tag: 'control',
    surface: 'agentledger' as const,
    scope: 'approve' as const,
    body: DecisionBodySchema,
    bodyBytes: 16_384,
    responses: {
      200: { description: 'Decided', schema: z.object({ approval: ApprovalSchema }) },
      400: { description: 'A missing or bad field', schema: AgentLedgerErrorSchema },
      403: {
        description: 'The key lacks the approve scope, or it is the key that asked',
        schema: AgentLedgerErrorSchema,
      },
      404: { description: 'No such approval in this org', schema: AgentLedgerErrorSchema },
      409: { description: 'Already decided', schema: AgentLedgerErrorSchema },
      410: { description: 'Expired before it was decided', schema: AgentLedgerErrorSchema },
    },
  }
  router.add(
    {
      ...decideSpec,
      path: '/api/v1/approvals/{id}',
      summary: 'Approve or deny a request',
      description:
        'Body `{"status": "approved" | "denied"}` (AgentLedger’s `decision` is accepted too), optionally `decided_by` and `note`.',
      params: z.object({ id: z.string() }),
    },
    (c, { params, body }) => decide(c, params.id, body),
  )
  router.add(
    {
      ...decideSpec,
      path: '/api/v1/approvals',
      summary: 'Approve or deny a request (AgentLedger’s body form)',
      description: 'Body `{"id": ..., "decision": "approved" | "denied", "decided_by"?: ...}`.',
    },
    (c, { body }) => decide(c, body.id, body),
  )
}
