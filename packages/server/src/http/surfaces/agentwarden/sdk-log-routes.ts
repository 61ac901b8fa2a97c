import { z } from 'zod'
import { AGENTWARDEN_STATUSES, LIMITS, eventFromAgentWardenLog } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { IngestService } from '../../../ingest/ingest-service.js'
import { rawBody } from '../../route-spec.js'
import type { Router } from '../../router.js'
import { AgentWardenErrorSchema } from './agentwarden-errors.js'

const LogInputSchema = z
  .looseObject({
    agent_id: z.string().describe('Required. The agent that performed the action.'),
    action: z.string().describe('Required. Such as stripe.refund or email.send.'),
    status: z
      .enum(AGENTWARDEN_STATUSES)
      .describe('Required. Kept as sent; `failed` is stored as `error`.'),
    context: z
      .record(z.string(), z.unknown())
      .nullable()
      .optional()
      .describe('Details: amounts, ids, error messages.'),
    ip_address: z
      .string()
      .nullable()
      .optional()
      .describe("Where the action originated. Default: the client's address."),
  })
  .meta({ id: 'AgentWardenLogInput' })

const LogSchema = z
  .object({
    id: z.string().describe('The event id (UUIDv7).'),
    agent_id: z.string(),
    organization_id: z.string(),
    action: z.string(),
    status: z.enum(AGENTWARDEN_STATUSES),
    context: z.record(z.string(), z.unknown()).nullable().describe('As stored: secrets redacted.'),
    created_at: z.string().describe('When the server received it, ISO 8601.'),
  })
  .meta({ id: 'AgentWardenLog' })

const DetailSchema = AgentWardenErrorSchema

/** AgentWarden's `POST /sdk/log` (shared/reference/002): one action of one agent onto the ingest pipeline. */
export function sdkLogRoutes(router: Router, ingest: IngestService): void {
  router.add(
    {
      method: 'post',
      path: '/sdk/log',
      tag: 'agentwarden',
      surface: 'agentwarden',
      scope: 'ingest',
      summary: 'Log an agent action (AgentWarden)',
      description:
        'Send the key as `X-API-Key`. Answers 200 after the commit (the reference names no success code). An `Idempotency-Key` replays the first answer for 24 hours.',
      // Parsed here (`eventFromAgentWardenLog`), for AgentWarden's `{"detail": {field: [messages]}}`.
      body: rawBody(LogInputSchema),
      bodyBytes: LIMITS.eventBodyBytes,
      idempotent: true,
      responses: {
        200: { description: 'Logged', schema: LogSchema },
        400: {
          description: '`{"detail": {field: [messages]}}`, or a string for a body that is not JSON',
          schema: DetailSchema,
        },
        401: { description: '`{"detail": "Invalid API key"}`', schema: DetailSchema },
        403: {
          description:
            'Monthly log limit of the plan reached: `{"detail": {"error": "plan_limit_exceeded", ...}}`',
          schema: DetailSchema,
        },
        404: {
          description: '`{"detail": "Agent not found"}`: the org requires registered agents',
          schema: DetailSchema,
        },
        413: { description: 'Body over 1 MiB', schema: DetailSchema },
        429: {
          description: "The plan's requests per minute exceeded; see Retry-After",
          schema: DetailSchema,
        },
      },
    },
    async (c, { body: value, ingest: ctx }) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new AppError('validation_failed', 'The request body must be a JSON object')
      const mapped = eventFromAgentWardenLog(value as Record<string, unknown>)
      if (!mapped.ok) throw new AppError('validation_failed', 'Invalid fields', mapped.issues)
      const receipt = await ingest.one(mapped.event, ctx)
      if (receipt.replayed) c.header('Idempotent-Replayed', 'true')
      // The same answer on an Idempotency-Key replay: the stored id and time, the same body's fields.
      return c.json({
        id: receipt.id,
        agent_id: mapped.log.agent_id,
        organization_id: ctx.orgId,
        action: mapped.log.action,
        status: mapped.log.status,
        context:
          receipt.event.context === null
            ? null
            : (JSON.parse(receipt.event.context) as Record<string, unknown>),
        created_at: receipt.received_at,
        // An action that broke a rule of the control plane is logged all the same; this says which.
        ...(receipt.control && { control: receipt.control }),
      })
    },
  )
}
