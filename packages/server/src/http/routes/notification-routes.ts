import type { Context } from 'hono'
import { z } from 'zod'
import { uuidv7 } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { ChannelName } from '../../notify/channels/channel.js'
import type { SubscriptionPatch, SubscriptionRecord } from '../../store/notify-store.js'
import type { AppDeps, AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { recordControlChange } from './control-audit.js'
import { deliveryRoutes } from './delivery-routes.js'
import {
  NewNotificationSchema,
  NotificationPatchByKeySchema,
  NotificationPatchSchema,
  SettingSchema,
  parseChannelConfig,
  settingView,
} from './notification-schemas.js'
import type { NotificationPatchBody } from './notification-schemas.js'
import { IdParams, requireSome } from './publish-schemas.js'

const BASE = '/api/v1/notifications'
const TAG = 'notifications'
const One = z.object({ setting: SettingSchema })
const Errors = {
  400: {
    description:
      'A bad field, named; `invalid_destination`: a refused webhook URL; `smtp_not_configured`: e-mail without an SMTP server',
    schema: ErrorBodySchema,
  },
  404: { description: 'No such channel', schema: ErrorBodySchema },
}
const notFound = () => new AppError('not_found', 'no notification channel with this id in your org')
const ByKeyQuery = z.object({
  id: z.string().min(1, 'must not be empty').optional(),
  channel: z.string().min(1, 'must not be empty').optional(),
})

/**
 * Notification channels (`/api/v1/notifications`): one per channel kind per org, as AgentLedger
 * keeps them (creating one again replaces its config and events, keeping its id). Configs are
 * stored sealed and read back masked. Changes need `admin`, reading needs `read`.
 */
export function notificationRoutes(
  router: Router,
  deps: Pick<AppDeps, 'store' | 'committer' | 'publish'>,
) {
  const { store, committer, publish } = deps
  const orgOf = (c: Context<AppEnv>) => c.get('apiKey').org_id
  const view = (s: SubscriptionRecord) => settingView(s, publish.secrets.open)
  const seal = (config: Record<string, unknown>) => publish.secrets.seal(JSON.stringify(config))
  const record = (c: Context<AppEnv>, verb: string, setting: ReturnType<typeof view>, extra = {}) =>
    recordControlChange(c, committer, {
      action: `notification.${verb}`,
      title: `${verb[0]?.toUpperCase()}${verb.slice(1)} ${setting.channel} notifications`,
      // The view's config is masked: no webhook URL or routing key reaches the trail.
      metadata: { setting, ...extra },
    })
  const byChannel = async (orgId: string, channel: string) =>
    (await store.notify.listSubscriptions(orgId, 'notification')).find((s) => s.channel === channel)

  router.add(
    {
      method: 'post',
      path: BASE,
      tag: TAG,
      scope: 'admin',
      summary: 'Set up a notification channel (or replace the org’s channel of that kind)',
      description:
        'Answers the channel with its config masked. Recorded as `notification.created` or `notification.updated`.',
      body: NewNotificationSchema,
      responses: { 200: { description: 'The channel', schema: One }, 400: Errors[400] },
    },
    async (c, { body }) => {
      const orgId = orgOf(c)
      const config = parseChannelConfig(body.channel, body.config, publish)
      const existing = await byChannel(orgId, body.channel)
      const now = Date.now()
      if (existing) {
        const change: SubscriptionPatch = { config: seal(config), topics: body.events }
        if (body.active !== undefined) change.enabled = body.active
        const updated = await store.notify.updateSubscription(
          orgId,
          'notification',
          existing.id,
          change,
          now,
        )
        if (!updated) throw notFound()
        const setting = view(updated)
        await record(c, 'updated', setting)
        return c.json({ setting })
      }
      const created = await store.notify.createSubscription(
        orgId,
        {
          id: uuidv7(),
          kind: 'notification',
          channel: body.channel,
          url: null,
          secret: null,
          config: seal(config),
          topics: body.events,
          agent_name: null,
          description: null,
          enabled: body.active ?? true,
        },
        now,
      )
      const setting = view(created)
      await record(c, 'created', setting)
      return c.json({ setting })
    },
  )

  router.add(
    {
      method: 'get',
      path: BASE,
      tag: TAG,
      scope: 'read',
      summary: 'Notification channels, configs masked',
      responses: {
        200: {
          description: 'The channels',
          schema: z.object({ settings: z.array(SettingSchema) }),
        },
      },
    },
    async (c) =>
      c.json({
        settings: (await store.notify.listSubscriptions(orgOf(c), 'notification')).map(view),
      }),
  )

  const find = async (
    orgId: string,
    key: { id?: string | undefined; channel?: string | undefined },
  ) => {
    if ((key.id === undefined) === (key.channel === undefined)) {
      const message = 'send either id or channel'
      throw new AppError('validation_failed', `id: ${message}`, [{ path: 'id', message }])
    }
    const found =
      key.id !== undefined
        ? await store.notify.getSubscription(orgId, 'notification', key.id)
        : await byChannel(orgId, key.channel as string)
    if (!found) throw notFound()
    return found
  }

  const update = async (
    c: Context<AppEnv>,
    current: SubscriptionRecord,
    body: NotificationPatchBody,
  ) => {
    requireSome(body, ['events', 'config', 'active', 'enabled'])
    if (body.active !== undefined && body.enabled !== undefined && body.active !== body.enabled)
      throw new AppError('validation_failed', 'enabled: differs from active; send one', [
        { path: 'enabled', message: 'differs from active; send one' },
      ])
    const change: SubscriptionPatch = {}
    if (body.config !== undefined)
      change.config = seal(parseChannelConfig(current.channel as ChannelName, body.config, publish))
    if (body.events !== undefined) change.topics = body.events
    const enabled = body.active ?? body.enabled
    if (enabled !== undefined) change.enabled = enabled
    const orgId = orgOf(c)
    const updated = await store.notify.updateSubscription(
      orgId,
      'notification',
      current.id,
      change,
      Date.now(),
    )
    if (!updated) throw notFound()
    const setting = view(updated)
    await record(c, 'updated', setting, {
      changed: Object.keys(change).map((k) => (k === 'topics' ? 'events' : k)),
    })
    return c.json({ setting })
  }
  const patchSpec = {
    method: 'patch' as const,
    tag: TAG,
    scope: 'admin' as const,
    description:
      'Fields not sent keep their value; a `config` replaces the whole config. `active` true re-enables and resets the failure count. Recorded as `notification.updated`.',
    responses: { ...Errors, 200: { description: 'The channel after the change', schema: One } },
  }
  router.add(
    {
      ...patchSpec,
      path: `${BASE}/{id}`,
      summary: 'Change a notification channel',
      params: IdParams,
      body: NotificationPatchSchema,
    },
    async (c, { params, body }) => update(c, await find(orgOf(c), { id: params.id }), body),
  )
  router.add(
    {
      ...patchSpec,
      path: BASE,
      summary: 'Change a notification channel (by `id` or `channel` in the body)',
      body: NotificationPatchByKeySchema,
    },
    async (c, { body }) => {
      const { id, channel, ...rest } = body
      return update(c, await find(orgOf(c), { id, channel }), rest)
    },
  )

  const remove = async (
    c: Context<AppEnv>,
    key: { id?: string | undefined; channel?: string | undefined },
  ) => {
    const orgId = orgOf(c)
    const found = await find(orgId, key)
    if (!(await store.notify.deleteSubscription(orgId, 'notification', found.id))) throw notFound()
    await record(c, 'deleted', view(found))
    return c.json({ deleted: true as const })
  }
  const deleteSpec = {
    method: 'delete' as const,
    tag: TAG,
    scope: 'admin' as const,
    description: 'Its pending deliveries and log go with it. Recorded as `notification.deleted`.',
    responses: {
      200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true) }) },
      ...Errors,
    },
  }
  router.add(
    {
      ...deleteSpec,
      path: `${BASE}/{id}`,
      summary: 'Delete a notification channel',
      params: IdParams,
    },
    (c, { params }) => remove(c, { id: params.id }),
  )
  router.add(
    {
      ...deleteSpec,
      path: BASE,
      summary: 'Delete a notification channel (`?channel=` or `?id=`)',
      query: ByKeyQuery,
    },
    (c, { query }) => remove(c, query),
  )

  deliveryRoutes(router, deps, {
    kind: 'notification',
    base: BASE,
    tag: TAG,
    noun: 'notification channel',
  })
}
