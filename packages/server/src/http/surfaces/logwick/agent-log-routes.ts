import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import { createOutbound } from '../../../notify/outbound.js'
import { liveOffers } from '../../../x402/live-offers.js'
import { ErrorBodySchema } from '../../openapi.js'
import { rawBody } from '../../route-spec.js'
import type { Router } from '../../router.js'
import type { SurfaceDeps } from '../../surface.js'
import { LogInputSchema } from './logwick-routes.js'
import { takePaidLog } from './paid-log.js'
import {
  PaymentRequiredBodySchema,
  allowBrowsers,
  isPaymentError,
  paymentAnswer,
} from './payment-answers.js'
import { paymentError } from './settle-step.js'

const AgentLogQuery = z.object({
  org: z
    .string()
    .min(1)
    .max(LIMITS.shortString)
    .optional()
    .describe('Only this org’s offer (when several orgs take paid logs on this server).'),
})

const PaidLogSchema = z.object({
  id: z.string(),
  timestamp: z.string(),
  status: z.literal('ingested'),
  payment: z.object({ payer: z.string(), transaction: z.string(), network: z.string() }),
})

const notEnabled = (org: string | undefined) =>
  new AppError(
    'not_found',
    org === undefined
      ? 'paid logs (x402) are not enabled on this server'
      : 'paid logs (x402) are not enabled for this org',
  )

const payOrRefuse = {
  description: 'Payment required, or the payment was refused: the offers and the reason',
  schema: PaymentRequiredBodySchema,
}

/**
 * Logwick's pay-per-log endpoint (shared/reference/000, "x402 — Pay per log"): no key; the
 * payment is the authentication. `GET` and an unpaid `POST` answer 402 with the offers; a paid
 * `POST` is verified here, settled by the org's facilitator, and only then stored through the
 * ingest pipeline (docs/x402.md).
 */
export function agentLogRoutes(router: Router, deps: SurfaceDeps): void {
  const transport = createOutbound({
    allow: deps.publish.allow,
    timeoutMs: deps.config.x402SettleTimeoutMs,
    userAgent: 'AgentTrail-x402',
  })
  const paid = {
    x402: deps.store.x402,
    ingest: deps.ingest,
    transport,
    settleTimeoutMs: deps.config.x402SettleTimeoutMs,
  }
  const offersFor = async (org: string | undefined) => {
    const offers = await liveOffers(deps.store.x402, deps.config.publicUrl, org)
    if (offers.length === 0) throw notEnabled(org)
    return offers
  }

  router.add(
    {
      method: 'get',
      path: '/api/v1/agent-log',
      tag: 'logwick',
      surface: 'logwick',
      summary: 'The price of one paid log (Logwick, x402)',
      description:
        'Always 402 with the offers: x402 version 1 in the body, version 2 in the `PAYMENT-REQUIRED` header (base64 JSON). 404 when no org takes paid logs.',
      query: AgentLogQuery,
      responses: {
        402: payOrRefuse,
        404: { description: 'Paid logs are not enabled', schema: ErrorBodySchema },
      },
    },
    async (c, { query }) => {
      allowBrowsers(c)
      return paymentAnswer(
        c,
        await offersFor(query.org),
        paymentError(
          'payment_required',
          'payment_required',
          'send the log with a payment: X-PAYMENT (x402 version 1) or PAYMENT-SIGNATURE (version 2)',
        ),
      )
    },
  )

  router.add(
    {
      method: 'options',
      path: '/api/v1/agent-log',
      tag: 'logwick',
      surface: 'logwick',
      summary: 'CORS preflight of the paid path',
      description:
        'A page of any origin may pay for a log: it sends `X-PAYMENT` or `PAYMENT-SIGNATURE`, so browsers ask first.',
      responses: { 204: { description: 'Allowed' } },
    },
    (c) => {
      allowBrowsers(c)
      c.header('Access-Control-Allow-Methods', 'GET, POST')
      // @x402/fetch also sends Access-Control-Expose-Headers as a request header.
      c.header(
        'Access-Control-Allow-Headers',
        'Content-Type, X-PAYMENT, PAYMENT-SIGNATURE, Access-Control-Expose-Headers',
      )
      c.header('Access-Control-Max-Age', '600')
      return c.body(null, 204)
    },
  )

  router.add(
    {
      method: 'post',
      path: '/api/v1/agent-log',
      tag: 'logwick',
      surface: 'logwick',
      summary: 'Store one log paid with x402 (Logwick)',
      description:
        'Logwick’s log fields, with `X-PAYMENT` (x402 v1) or `PAYMENT-SIGNATURE` (v2) and no key. The payment is verified here, settled by the facilitator the org configured, and only then is the log stored (in the org whose pay-to address it pays), with the payer and transaction under `metadata.x402`; the receipt is `X-PAYMENT-RESPONSE` (v1) or `PAYMENT-RESPONSE` (v2). `Idempotency-Key` is not honoured: every payment is used once.',
      query: AgentLogQuery,
      body: rawBody(LogInputSchema),
      bodyBytes: LIMITS.eventBodyBytes,
      responses: {
        201: { description: 'Paid and stored', schema: PaidLogSchema },
        400: {
          description:
            'An unreadable payment header (with the offers), or a missing or bad log field',
          schema: z.union([PaymentRequiredBodySchema, ErrorBodySchema]),
        },
        402: payOrRefuse,
        403: {
          description: "The org's plan allows no more logs this month",
          schema: ErrorBodySchema,
        },
        404: {
          description: 'Paid logs are not enabled, or the org requires registered agents',
          schema: ErrorBodySchema,
        },
        429: { description: "The org's requests per minute are used up", schema: ErrorBodySchema },
        503: {
          description:
            'The payment settled but the log could not be stored (the receipt header says which)',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { query, body, text }) => {
      allowBrowsers(c)
      const offers = await offersFor(query.org)
      try {
        return await takePaidLog(c, paid, offers, body, text)
      } catch (error) {
        if (isPaymentError(error)) return paymentAnswer(c, offers, error)
        throw error
      }
    },
  )
}
