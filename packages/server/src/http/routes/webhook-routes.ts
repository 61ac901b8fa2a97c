import type { Context } from 'hono'
import { z } from 'zod'
import { uuidv7 } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import { mintSecret } from '../../notify/sign.js'
import type { SubscriptionPatch } from '../../store/notify-store.js'
import { TOPICS } from '../../store/outbox-rows.js'
import type { AppDeps, AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { recordControlChange } from './control-audit.js'
import { deleteRoutes } from './delete-routes.js'
import { deliveryRoutes } from './delivery-routes.js'
import {
  IdParams,
  auditUrl,
  checkDestination,
  checkHookLimit,
  requireSome,
} from './publish-schemas.js'
import {
  CreatedWebhookSchema,
  NewWebhookSchema,
  WebhookPatchSchema,
  WebhookPatchWithIdSchema,
  WebhookSchema,
  webhookView,
} from './webhook-schemas.js'
import type { WebhookPatchBody, WebhookView } from './webhook-schemas.js'

const BASE = '/api/v1/webhooks'
const TAG = 'webhooks'
const PATCHABLE = ['url', 'events', 'description', 'active', 'enabled'] as const
const One = z.object({ webhook: WebhookSchema })
const Errors = {
  400: {
    description: 'A bad field, named; `invalid_destination`: a refused URL',
    schema: ErrorBodySchema,
  },
  404: { description: 'No such webhook', schema: ErrorBodySchema },
}
const notFound = () => new AppError('not_found', 'no webhook with this id in your org')
/** The webhook as the trail records it: the URL's path (which can carry a token) masked. */
const audited = (w: WebhookView) => ({ ...w, url: auditUrl(w.url) })

/**
 * Webhooks (`/api/v1/webhooks`): AgentLedger's body and query forms and the `/{id}` forms. Changes
 * need the `admin` scope (a webhook sends every action it subscribes to out of AgentTrail);
 * reading needs `read`. Every change is recorded in the trail (`webhook.created`...).
 */
export function webhookRoutes(
  router: Router,
  deps: Pick<AppDeps, 'store' | 'committer' | 'publish'>,
) {
  const { store, committer, publish } = deps
  const orgOf = (c: Context<AppEnv>) => c.get('apiKey').org_id

  router.add(
    {
      method: 'post',
      path: BASE,
      tag: TAG,
      scope: 'admin',
      summary: 'Create a webhook',
      description:
        'Answers 200 (as AgentLedger) with the signing secret, shown only here. At most 50 webhooks per org (409 `limit_reached`). Recorded as `webhook.created`.',
      body: NewWebhookSchema,
      responses: {
        200: { description: 'Created', schema: CreatedWebhookSchema },
        400: Errors[400],
        409: { description: '`limit_reached`: the org has 50 webhooks', schema: ErrorBodySchema },
      },
    },
    async (c, { body }) => {
      const orgId = orgOf(c)
      checkDestination(body.url, publish.allow, 'url')
      checkHookLimit((await store.notify.listSubscriptions(orgId, 'webhook')).length, 'webhooks')
      const secret = mintSecret()
      const created = await store.notify.createSubscription(
        orgId,
        {
          id: uuidv7(),
          kind: 'webhook',
          channel: null,
          url: body.url,
          secret: publish.secrets.seal(secret),
          config: null,
          topics: body.events ?? [...TOPICS],
          agent_name: null,
          description: body.description ?? null,
        },
        Date.now(),
      )
      const webhook = webhookView(created)
      await recordControlChange(c, committer, {
        action: 'webhook.created',
        title: `Created webhook ${webhook.id} to ${auditUrl(webhook.url)}`,
        metadata: { webhook: audited(webhook) },
      })
      return c.json({ ...webhook, secret })
    },
  )

  router.add(
    {
      method: 'get',
      path: BASE,
      tag: TAG,
      scope: 'read',
      summary: 'Webhooks, oldest first (never their secrets)',
      responses: {
        200: {
          description: 'The webhooks',
          schema: z.object({ webhooks: z.array(WebhookSchema) }),
        },
      },
    },
    async (c) =>
      c.json({
        webhooks: (await store.notify.listSubscriptions(orgOf(c), 'webhook')).map(webhookView),
      }),
  )

  router.add(
    {
      method: 'get',
      path: `${BASE}/{id}`,
      tag: TAG,
      scope: 'read',
      summary: 'One webhook',
      params: IdParams,
      responses: { 200: { description: 'The webhook', schema: One }, 404: Errors[404] },
    },
    async (c, { params }) => {
      const found = await store.notify.getSubscription(orgOf(c), 'webhook', params.id)
      if (!found) throw notFound()
      return c.json({ webhook: webhookView(found) })
    },
  )

  const update = async (c: Context<AppEnv>, id: string, body: WebhookPatchBody) => {
    requireSome(body, PATCHABLE)
    if (body.active !== undefined && body.enabled !== undefined && body.active !== body.enabled)
      throw new AppError('validation_failed', 'enabled: differs from active; send one', [
        { path: 'enabled', message: 'differs from active; send one' },
      ])
    if (body.url !== undefined) checkDestination(body.url, publish.allow, 'url')
    const orgId = orgOf(c)
    const current = await store.notify.getSubscription(orgId, 'webhook', id)
    if (!current) throw notFound()
    const change: SubscriptionPatch = {}
    if (body.url !== undefined) change.url = body.url
    if (body.events !== undefined) change.topics = body.events
    if (body.description !== undefined) change.description = body.description
    const enabled = body.active ?? body.enabled
    if (enabled !== undefined) change.enabled = enabled
    const updated = await store.notify.updateSubscription(orgId, 'webhook', id, change, Date.now())
    if (!updated) throw notFound()
    const [before, after] = [audited(webhookView(current)), audited(webhookView(updated))]
    const fields = ['url', 'events', 'description', 'active', 'failure_count'] as const
    const changed = fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
    if (changed.length > 0)
      await recordControlChange(c, committer, {
        action: 'webhook.updated',
        title: `Changed ${changed.join(', ')} of webhook ${id}`,
        metadata: {
          webhook: after,
          changed: Object.fromEntries(changed.map((f) => [f, { from: before[f], to: after[f] }])),
        },
      })
    return webhookView(updated)
  }

  const patchSpec = {
    method: 'patch' as const,
    tag: TAG,
    scope: 'admin' as const,
    description:
      'Fields not sent keep their value. `active` (or `enabled`) true re-enables a disabled webhook and resets its failure count; a new `url` is checked as on create. Recorded as `webhook.updated`.',
    responses: Errors,
  }
  router.add(
    {
      ...patchSpec,
      path: `${BASE}/{id}`,
      summary: 'Change a webhook',
      params: IdParams,
      body: WebhookPatchSchema,
      responses: { ...Errors, 200: { description: 'The webhook after the change', schema: One } },
    },
    async (c, { params, body }) => c.json({ webhook: await update(c, params.id, body) }),
  )
  router.add(
    {
      ...patchSpec,
      path: BASE,
      summary: 'Change a webhook (AgentLedger’s form: the id in the body)',
      body: WebhookPatchWithIdSchema,
      responses: {
        ...Errors,
        200: { description: 'Changed', schema: z.object({ updated: z.literal(true) }) },
      },
    },
    async (c, { body }) => {
      await update(c, body.id, body)
      return c.json({ updated: true as const })
    },
  )
  router.add(
    {
      method: 'post',
      path: `${BASE}/{id}/enable`,
      tag: TAG,
      scope: 'admin',
      summary: 'Re-enable a webhook',
      description:
        'Its failure count starts again at 0. Recorded as `webhook.updated` when it was disabled.',
      params: IdParams,
      responses: { 200: { description: 'The webhook, enabled', schema: One }, 404: Errors[404] },
    },
    async (c, { params }) => c.json({ webhook: await update(c, params.id, { active: true }) }),
  )

  const remove = async (c: Context<AppEnv>, id: string) => {
    const orgId = orgOf(c)
    const found = await store.notify.getSubscription(orgId, 'webhook', id)
    if (!found || !(await store.notify.deleteSubscription(orgId, 'webhook', id))) throw notFound()
    await recordControlChange(c, committer, {
      action: 'webhook.deleted',
      title: `Deleted webhook ${id}`,
      metadata: { webhook: audited(webhookView(found)) },
    })
    return c.json({ deleted: true as const })
  }
  deleteRoutes(
    router,
    {
      base: BASE,
      tag: TAG,
      noun: 'webhook',
      description:
        'Its pending deliveries and its delivery log go with it. Recorded as `webhook.deleted`.',
    },
    remove,
  )

  deliveryRoutes(router, deps, { kind: 'webhook', base: BASE, tag: TAG, noun: 'webhook' })
}
