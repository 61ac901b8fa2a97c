import type { Context } from 'hono'
import { z } from 'zod'
import { uuidv7 } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import { mintSecret } from '../../notify/sign.js'
import type { SubscriptionPatch } from '../../store/notify-store.js'
import type { AppDeps, AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { deleteRoutes } from './delete-routes.js'
import { recordControlChange } from './control-audit.js'
import {
  IdParams,
  auditUrl,
  checkDestination,
  checkHookLimit,
  requireSome,
} from './publish-schemas.js'
import {
  CreatedRollbackHookSchema,
  NewRollbackHookSchema,
  RollbackHookPatchSchema,
  RollbackHookPatchWithIdSchema,
  RollbackHookSchema,
  TRIGGERS,
  rollbackHookView,
  sentUrl,
} from './rollback-hook-schemas.js'
import type { RollbackHookBody, RollbackHookView } from './rollback-hook-schemas.js'

const BASE = '/api/v1/rollback-hooks'
const TAG = 'rollback-hooks'
const Errors = {
  400: {
    description: 'A bad field, named; `invalid_destination`: a refused URL',
    schema: ErrorBodySchema,
  },
  404: { description: 'No such rollback hook', schema: ErrorBodySchema },
}
const notFound = () => new AppError('not_found', 'no rollback hook with this id in your org')
/** The hook as the trail records it: the URL's path masked, the config left out (it may hold tokens). */
const audited = (h: RollbackHookView) => ({
  ...h,
  url: auditUrl(h.url),
  rollback_webhook_url: auditUrl(h.url),
  rollback_config: h.rollback_config === null ? null : '****',
})
const ExecutionSchema = z.object({
  id: z.string().describe('`<delivery id>:<attempt>`'),
  rollback_hook_id: z.string(),
  trigger_reason: z.string(),
  response_status: z.number().nullable(),
  response_body: z.string().nullable(),
  success: z.boolean(),
  duration_ms: z.number(),
  error: z.string().nullable(),
  created_at: z.string(),
})
const ExecutionsQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .default(50)
    .describe('Default 50, at most 200.'),
})

/**
 * Rollback hooks (`/api/v1/rollback-hooks`): called with the agent's last completed actions when
 * it is killed or its budget is exceeded, signed with the hook's own secret. Takes the documented
 * body and AgentLedger's code body; changes need `admin`, reading needs `read`.
 */
export function rollbackHookRoutes(
  router: Router,
  deps: Pick<AppDeps, 'store' | 'committer' | 'publish'>,
) {
  const { store, committer, publish } = deps
  const orgOf = (c: Context<AppEnv>) => c.get('apiKey').org_id
  const record = (c: Context<AppEnv>, verb: string, hook: RollbackHookView, extra = {}) =>
    recordControlChange(c, committer, {
      action: `rollback_hook.${verb}`,
      title: `${verb[0]?.toUpperCase()}${verb.slice(1)} rollback hook ${hook.id}`,
      metadata: { hook: audited(hook), ...extra },
    })

  router.add(
    {
      method: 'post',
      path: BASE,
      tag: TAG,
      scope: 'admin',
      summary: 'Register a rollback hook',
      description:
        'Takes `url` or `rollback_webhook_url`. Answers 201 with the hook and its signing secret, shown only here. At most 50 per org. Recorded as `rollback_hook.created`.',
      body: NewRollbackHookSchema,
      responses: {
        201: { description: 'Registered', schema: CreatedRollbackHookSchema },
        400: Errors[400],
        409: {
          description: '`limit_reached`: the org has 50 rollback hooks',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { body }) => {
      const url = sentUrl(body)
      if (url === undefined)
        throw new AppError('validation_failed', 'url: is required', [
          { path: 'url', message: 'is required' },
        ])
      checkDestination(url, publish.allow, body.url === undefined ? 'rollback_webhook_url' : 'url')
      const orgId = orgOf(c)
      checkHookLimit(
        (await store.notify.listSubscriptions(orgId, 'rollback')).length,
        'rollback hooks',
      )
      const secret = mintSecret()
      const created = await store.notify.createSubscription(
        orgId,
        {
          id: uuidv7(),
          kind: 'rollback',
          channel: null,
          url,
          secret: publish.secrets.seal(secret),
          config: body.rollback_config == null ? null : JSON.stringify(body.rollback_config),
          topics: body.triggers ?? [...TRIGGERS],
          agent_name: body.agent_name ?? null,
          description: null,
          enabled: body.enabled ?? true,
        },
        Date.now(),
      )
      const hook = rollbackHookView(created)
      await record(c, 'created', hook)
      return c.json({ ...hook, secret }, 201)
    },
  )

  router.add(
    {
      method: 'get',
      path: `${BASE}/executions`,
      tag: TAG,
      scope: 'read',
      summary: 'Rollback hook calls, newest first',
      description: 'One row per attempt, kept 30 days.',
      query: ExecutionsQuery,
      responses: {
        200: {
          description: 'The calls',
          schema: z.object({ executions: z.array(ExecutionSchema) }),
        },
      },
    },
    async (c, { query }) => {
      const attempts = await store.notify.listAttempts(orgOf(c), 'rollback', query.limit)
      return c.json({
        executions: attempts.map((a) => ({
          id: `${a.delivery_id}:${a.attempt}`,
          rollback_hook_id: a.subscription_id,
          trigger_reason: a.topic,
          response_status: a.status_code,
          response_body: a.response_body,
          success: a.ok,
          duration_ms: a.duration_ms,
          error: a.error,
          created_at: a.started_at,
        })),
      })
    },
  )

  router.add(
    {
      method: 'get',
      path: BASE,
      tag: TAG,
      scope: 'read',
      summary: 'Rollback hooks, oldest first (never their secrets)',
      responses: {
        200: { description: 'The hooks', schema: z.object({ hooks: z.array(RollbackHookSchema) }) },
      },
    },
    async (c) =>
      c.json({
        hooks: (await store.notify.listSubscriptions(orgOf(c), 'rollback')).map(rollbackHookView),
      }),
  )
  router.add(
    {
      method: 'get',
      path: `${BASE}/{id}`,
      tag: TAG,
      scope: 'read',
      summary: 'One rollback hook',
      params: IdParams,
      responses: {
        200: { description: 'The hook', schema: z.object({ hook: RollbackHookSchema }) },
        404: Errors[404],
      },
    },
    async (c, { params }) => {
      const found = await store.notify.getSubscription(orgOf(c), 'rollback', params.id)
      if (!found) throw notFound()
      return c.json({ hook: rollbackHookView(found) })
    },
  )

  const update = async (c: Context<AppEnv>, id: string, body: RollbackHookBody) => {
    requireSome(body, [
      'url',
      'rollback_webhook_url',
      'agent_name',
      'triggers',
      'rollback_config',
      'enabled',
    ])
    const url = sentUrl(body)
    if (url !== undefined)
      checkDestination(url, publish.allow, body.url === undefined ? 'rollback_webhook_url' : 'url')
    const orgId = orgOf(c)
    const current = await store.notify.getSubscription(orgId, 'rollback', id)
    if (!current) throw notFound()
    const change: SubscriptionPatch = {}
    if (url !== undefined) change.url = url
    if (body.agent_name !== undefined) change.agent_name = body.agent_name
    if (body.triggers !== undefined) change.topics = body.triggers
    if (body.rollback_config !== undefined)
      change.config = body.rollback_config === null ? null : JSON.stringify(body.rollback_config)
    if (body.enabled !== undefined) change.enabled = body.enabled
    const updated = await store.notify.updateSubscription(orgId, 'rollback', id, change, Date.now())
    if (!updated) throw notFound()
    const hook = rollbackHookView(updated)
    const changed = Object.keys(change).map((k) =>
      k === 'topics' ? 'triggers' : k === 'config' ? 'rollback_config' : k,
    )
    await record(c, 'updated', hook, { changed })
    return c.json(hook)
  }
  const patchSpec = {
    method: 'patch' as const,
    tag: TAG,
    scope: 'admin' as const,
    description:
      'Fields not sent keep their value; a new URL is checked as on create. Answers the hook itself (as AgentLedger). Recorded as `rollback_hook.updated`.',
    responses: {
      ...Errors,
      200: { description: 'The hook after the change', schema: RollbackHookSchema },
    },
  }
  router.add(
    {
      ...patchSpec,
      path: `${BASE}/{id}`,
      summary: 'Change a rollback hook',
      params: IdParams,
      body: RollbackHookPatchSchema,
    },
    (c, { params, body }) => update(c, params.id, body),
  )
  router.add(
    {
      ...patchSpec,
      path: BASE,
      summary: 'Change a rollback hook (AgentLedger’s form: the id in the body)',
      body: RollbackHookPatchWithIdSchema,
    },
    (c, { body }) => update(c, body.id, body),
  )

  const remove = async (c: Context<AppEnv>, id: string) => {
    const orgId = orgOf(c)
    const found = await store.notify.getSubscription(orgId, 'rollback', id)
    if (!found || !(await store.notify.deleteSubscription(orgId, 'rollback', id))) throw notFound()
    await record(c, 'deleted', rollbackHookView(found))
    return c.json({ deleted: true as const })
  }
  deleteRoutes(
    router,
    {
      base: BASE,
      tag: TAG,
      noun: 'rollback hook',
      description:
        'Its pending calls and their log go with it. Recorded as `rollback_hook.deleted`.',
    },
    remove,
  )
}
