import { isIP } from 'node:net'
import type { Context } from 'hono'
import { z } from 'zod'
import { AppError } from '../../app-error.js'
import { checkOutboundUrl } from '../../notify/outbound.js'
import type { OutboundAllow } from '../../notify/outbound.js'
import { resourceOf } from '../../x402/live-offers.js'
import {
  X402OfferInputSchema,
  X402OfferSchema,
  offerFromInput,
  offerView,
} from '../../x402/offer-input.js'
import type { AppDeps, AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import { timeParam } from '../route-spec.js'
import type { Router } from '../router.js'
import { recordControlChange } from './control-audit.js'
import { auditUrl } from './publish-schemas.js'

const PATH = '/api/v1/org/x402'
const TAG = 'x402'
const notFound = () =>
  new AppError('not_found', 'this org takes no paid logs; PUT /api/v1/org/x402 to offer them')

const PaymentSchema = z
  .object({
    chain_id: z.number(),
    asset: z.string(),
    payer: z.string(),
    nonce: z.string(),
    pay_to: z.string(),
    amount: z.string(),
    state: z
      .enum(['settling', 'settled', 'refused'])
      .describe('`settling` while the facilitator works, or left by a crash during it.'),
    event_id: z.string().describe('The paid log, stored only when `settled`.'),
    transaction: z.string().nullable(),
    reason: z.string().nullable(),
    x402_version: z.number(),
    valid_before: z.number().describe('Unix seconds.'),
    reserved_at: z.string(),
    decided_at: z.string().nullable(),
  })
  .meta({ id: 'X402Payment' })

/**
 * The facilitator is trusted to say a payment settled, so its answer must not be forged on the
 * way: https, or http only to a host or network the operator allowed (AGENTTRAIL_OUTBOUND_ALLOW,
 * a facilitator run next to the server). Addresses are checked as for webhooks.
 */
function checkFacilitator(url: string, allow: OutboundAllow): void {
  const refuse = (message: string) =>
    new AppError('invalid_destination', `facilitator_url: ${message}`, [
      { path: 'facilitator_url', message },
    ])
  const reason = checkOutboundUrl(url, allow)
  if (reason !== undefined) throw refuse(reason)
  const { protocol, hostname } = new URL(url)
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  const family = isIP(host)
  const allowed =
    allow.hosts.has(host) ||
    (family !== 0 && allow.networks.check(host, family === 4 ? 'ipv4' : 'ipv6'))
  if (protocol !== 'https:' && !allowed)
    throw refuse('must be https (http only to a host AGENTTRAIL_OUTBOUND_ALLOW names)')
}

/**
 * The org's x402 offer (docs/x402.md): what a log paid without a key costs, the pay-to address,
 * the token and the facilitator that settles. Changes need `admin` and are recorded in the trail.
 */
export function x402Routes(
  router: Router,
  deps: Pick<AppDeps, 'store' | 'committer' | 'publish' | 'config'>,
) {
  const { store, committer, publish, config } = deps
  const orgOf = (c: Context<AppEnv>) => c.get('apiKey').org_id

  router.add(
    {
      method: 'get',
      path: PATH,
      tag: TAG,
      scope: 'admin',
      summary: "The org's x402 offer for paid logs",
      responses: {
        200: { description: 'The offer', schema: X402OfferSchema },
        404: { description: 'The org takes no paid logs', schema: ErrorBodySchema },
      },
    },
    async (c) => {
      const offer = await store.x402.offer(orgOf(c))
      if (!offer) throw notFound()
      return c.json(offerView(offer, resourceOf(offer, config.publicUrl)))
    },
  )

  router.add(
    {
      method: 'put',
      path: PATH,
      tag: TAG,
      scope: 'admin',
      summary: 'Offer paid logs (x402), or change the offer',
      description:
        'Replaces the whole offer. `POST /api/v1/agent-log` then takes logs paid to `pay_to` into this org, settled by `facilitator_url` (there is no default facilitator).',
      body: X402OfferInputSchema,
      responses: {
        200: { description: 'The offer now', schema: X402OfferSchema },
        400: {
          description: 'A bad field, named; `invalid_destination`: a refused facilitator URL',
          schema: ErrorBodySchema,
        },
        409: { description: 'Another org offers the same pay-to address', schema: ErrorBodySchema },
      },
    },
    async (c, { body }) => {
      const orgId = orgOf(c)
      const made = offerFromInput(orgId, body, Date.now())
      if (!made.ok)
        throw new AppError('validation_failed', `${made.path}: ${made.message}`, [
          { path: made.path, message: made.message },
        ])
      const { offer } = made
      checkFacilitator(offer.facilitatorUrl, publish.allow)
      const resource = resourceOf(offer, config.publicUrl)
      if (resource === null)
        throw new AppError(
          'validation_failed',
          'resource_url: is required when AGENTTRAIL_PUBLIC_URL is not set (payers are told which URL they pay for)',
          [{ path: 'resource_url', message: 'is required when AGENTTRAIL_PUBLIC_URL is not set' }],
        )
      if ((await store.x402.putOffer(offer)) === 'pay_to_taken')
        throw new AppError(
          'conflict',
          'pay_to: another org takes paid logs at this address on this network; a payment must lead to one org',
        )
      const view = offerView(offer, resource)
      await recordControlChange(c, committer, {
        action: 'x402.offer_set',
        title: `x402 offer set: ${offer.price} atomic units to ${offer.payTo} on ${view.network}`,
        // As for webhooks, the trail keeps the facilitator's origin only: paths can carry tokens.
        metadata: { offer: { ...view, facilitator_url: auditUrl(view.facilitator_url) } },
      })
      return c.json(view)
    },
  )

  router.add(
    {
      method: 'delete',
      path: PATH,
      tag: TAG,
      scope: 'admin',
      summary: 'Stop taking paid logs',
      description: 'The payment ledger is kept.',
      responses: {
        200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true) }) },
        404: { description: 'The org takes no paid logs', schema: ErrorBodySchema },
      },
    },
    async (c) => {
      if (!(await store.x402.deleteOffer(orgOf(c)))) throw notFound()
      await recordControlChange(c, committer, {
        action: 'x402.offer_deleted',
        title: 'x402 offer deleted: no more paid logs',
        metadata: {},
      })
      return c.json({ deleted: true as const })
    },
  )

  router.add(
    {
      method: 'get',
      path: `${PATH}/payments`,
      tag: TAG,
      scope: 'read',
      summary: "The org's x402 payments, newest first",
      description:
        'The ledger: every payment reserved for a paid log, with its state. A log is paid when its payment here is `settled` (the event carries the same facts under `metadata.x402`, which a client of another ingest path could also write).',
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        before: timeParam.optional().describe('Only payments reserved before this time.'),
      }),
      responses: {
        200: {
          description: 'A page of payments',
          schema: z.object({ payments: z.array(PaymentSchema) }),
        },
      },
    },
    async (c, { query }) =>
      c.json({
        payments: await store.x402.payments(orgOf(c), {
          limit: query.limit,
          ...(query.before !== undefined && { before: query.before }),
        }),
      }),
  )
}
