import type { Context } from 'hono'
import { z } from 'zod'
import { parseTimeBound } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import { TEST_TOPIC } from '../../notify/deliver.js'
import type { SubscriptionKind } from '../../store/notify-store.js'
import type { AppDeps, AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { DeliverySchema, IdParams, deliveryView } from './publish-schemas.js'

export interface DeliveryRoutesOptions {
  kind: SubscriptionKind
  /** `/api/v1/webhooks` */
  base: string
  tag: string
  /** `webhook`: in summaries, errors and the test send's data (`webhook_id`). */
  noun: string
}

/** `<epoch ms>_<delivery id>`: the last row of a page, so rows made in the same millisecond are not skipped. */
const CURSOR = /^(\d{1,16})_([A-Za-z0-9-]{1,64})$/

const DeliveriesQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(20)
    .describe('Default 20, at most 100.'),
  before: z
    .string()
    .transform((text, ctx) => {
      const cursor = CURSOR.exec(text)
      if (cursor) return { ms: Number(cursor[1]), id: cursor[2] }
      const ms = parseTimeBound(text, { epochMs: true })
      if (ms !== undefined) return { ms, id: undefined }
      ctx.addIssue({
        code: 'custom',
        message: 'must be a next_before from a previous page, an ISO 8601 time or epoch ms',
      })
      return z.NEVER
    })
    .optional()
    .describe('A previous page’s `next_before`, or a time: only deliveries made before it.'),
})
const RedeliverParams = z.object({ id: z.string(), delivery_id: z.string() })
const One = z.object({ delivery: DeliverySchema })

/**
 * A subscription's delivery log, redelivery of one delivery, and a test send: the same for
 * webhooks and notification channels. Redeliveries and test sends wake the dispatcher.
 */
export function deliveryRoutes(
  router: Router,
  deps: Pick<AppDeps, 'store' | 'publish'>,
  options: DeliveryRoutesOptions,
): void {
  const { store, publish } = deps
  const { kind, base, tag, noun } = options
  const orgOf = (c: Context<AppEnv>) => c.get('apiKey').org_id
  const notFound = () => new AppError('not_found', `no ${noun} with this id in your org`)
  const mustExist = async (orgId: string, id: string) => {
    if (!(await store.notify.getSubscription(orgId, kind, id))) throw notFound()
  }

  router.add(
    {
      method: 'get',
      path: `${base}/{id}/deliveries`,
      tag,
      scope: 'read',
      summary: `A ${noun}’s deliveries, newest first, each with its attempts`,
      description:
        'Kept 30 days after they finish. Page with `before=<next_before>`; `next_before` is null on the last page.',
      params: IdParams,
      query: DeliveriesQuery,
      responses: {
        200: {
          description: 'The deliveries',
          schema: z.object({
            deliveries: z.array(DeliverySchema),
            next_before: z.string().nullable(),
          }),
        },
        404: { description: `No such ${noun}`, schema: ErrorBodySchema },
      },
    },
    async (c, { params, query }) => {
      const orgId = orgOf(c)
      await mustExist(orgId, params.id)
      const rows = await store.notify.listDeliveries(orgId, params.id, {
        limit: query.limit,
        ...(query.before && { before: query.before.ms }),
        ...(query.before?.id !== undefined && { beforeId: query.before.id }),
      })
      const last = rows.length === query.limit ? rows[rows.length - 1] : undefined
      return c.json({
        deliveries: rows.map(deliveryView),
        next_before: last ? `${last.created_at}_${last.id}` : null,
      })
    },
  )

  router.add(
    {
      method: 'post',
      path: `${base}/{id}/deliveries/{delivery_id}/redeliver`,
      tag,
      scope: 'admin',
      summary: `Send one of a ${noun}’s deliveries again`,
      description:
        'The same delivery id and the same body as before, sent now (re-signed with a new timestamp); its attempts start again.',
      params: RedeliverParams,
      responses: {
        202: { description: 'Queued', schema: One },
        404: { description: `No such ${noun} or delivery`, schema: ErrorBodySchema },
      },
    },
    async (c, { params }) => {
      const orgId = orgOf(c)
      await mustExist(orgId, params.id)
      const d = await store.notify.redeliver(orgId, params.id, params.delivery_id, Date.now())
      if (!d) throw new AppError('not_found', `no delivery with this id for this ${noun}`)
      publish.wake()
      return c.json({ delivery: deliveryView(d) }, 202)
    },
  )

  router.add(
    {
      method: 'post',
      path: `${base}/{id}/test`,
      tag,
      scope: 'admin',
      summary: `Send a test delivery to a ${noun}`,
      description: `Queues a \`${TEST_TOPIC}\` delivery at once (also to a disabled ${noun}); its outcome appears in the deliveries.`,
      params: IdParams,
      responses: {
        202: { description: 'Queued', schema: One },
        404: { description: `No such ${noun}`, schema: ErrorBodySchema },
      },
    },
    async (c, { params }) => {
      const orgId = orgOf(c)
      await mustExist(orgId, params.id)
      const data = JSON.stringify({
        message: 'A test delivery from AgentTrail',
        [`${noun.replace(/ .*/, '')}_id`]: params.id,
      })
      const d = await store.notify.enqueue(orgId, params.id, TEST_TOPIC, data, Date.now())
      publish.wake()
      return c.json({ delivery: deliveryView(d) }, 202)
    },
  )
}
