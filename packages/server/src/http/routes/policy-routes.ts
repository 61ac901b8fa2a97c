import type { Context } from 'hono'
import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { PolicyRecord } from '../../control/policy-rules.js'
import type { PolicyPatch } from '../../store/control-store.js'
import type { AppDeps } from '../app-env.js'
import type { AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { recordControlChange } from './control-audit.js'
import {
  NewPolicySchema,
  PolicyPatchSchema,
  PolicyPatchWithIdSchema,
  PolicySchema,
  parseRuleConfig,
  sentConfig,
} from './policy-schemas.js'
import type { PolicyPatchBody } from './policy-schemas.js'

const BODY_BYTES = 64 * 1024
const scopeParam = z.string().min(1).max(LIMITS.shortString).optional()
const ListQuery = z.object({
  agent_name: scopeParam.describe('Only the policies of this agent (not the org-wide ones).'),
  environment: scopeParam.describe(
    'Only the policies that apply in this environment (its own and those of every environment).',
  ),
})
const IdQuery = z.object({ id: z.string({ error: 'is required' }).min(1, 'is required') })
const IdParams = z.object({ id: z.string() })
const PATCHABLE = [
  'name',
  'agent_name',
  'environment',
  'rule_type',
  'rule_config',
  'enabled',
  'priority',
] as const

const One = z.object({ policy: PolicySchema })
const notFound = () => new AppError('not_found', 'no policy with this id in your org')

/** Policies (`/api/v1/policies`): AgentLedger's body and repo forms, and the `/:id` forms its docs describe. */
export function policyRoutes(router: Router, deps: Pick<AppDeps, 'store' | 'committer'>): void {
  const { store, committer } = deps
  const orgOf = (c: Context<AppEnv>) => c.get('apiKey').org_id

  router.add(
    {
      method: 'post',
      path: '/api/v1/policies',
      tag: 'control',
      scope: 'control',
      summary: 'Create a policy',
      description:
        'Recorded in the trail as `policy.created`. Takes effect at the next decision of every server process.',
      body: NewPolicySchema,
      bodyBytes: BODY_BYTES,
      responses: {
        201: { description: 'Created', schema: One },
        400: {
          description: 'A bad field, named (`rule_config.max_actions: must be greater than 0`)',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { body }) => {
      const config = sentConfig(body)
      if (!config)
        throw new AppError('validation_failed', 'rule_config: is required', [
          { path: 'rule_config', message: 'is required' },
        ])
      const policy = await store.control.createPolicy(
        orgOf(c),
        {
          name: body.name ?? null,
          agent_name: body.agent_name ?? null,
          environment: body.environment ?? null,
          rule_type: body.rule_type,
          rule_config: parseRuleConfig(body.rule_type, config.value, config.field),
          enabled: body.enabled ?? true,
          priority: body.priority ?? 0,
        },
        Date.now(),
      )
      await recordControlChange(c, committer, {
        action: 'policy.created',
        title: `Created ${policy.rule_type} policy ${policy.name ?? policy.id}`,
        environment: policy.environment,
        metadata: { policy },
      })
      return c.json({ policy }, 201)
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/policies',
      tag: 'control',
      scope: 'read',
      summary: 'Policies, highest priority first',
      query: ListQuery,
      responses: {
        200: { description: 'The policies', schema: z.object({ policies: z.array(PolicySchema) }) },
      },
    },
    async (c, { query }) => c.json({ policies: await store.control.listPolicies(orgOf(c), query) }),
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/policies/{id}',
      tag: 'control',
      scope: 'read',
      summary: 'One policy',
      params: IdParams,
      responses: {
        200: { description: 'The policy', schema: One },
        404: { description: 'No such policy', schema: ErrorBodySchema },
      },
    },
    async (c, { params }) => {
      const policy = await store.control.getPolicy(orgOf(c), params.id)
      if (!policy) throw notFound()
      return c.json({ policy })
    },
  )

  const patch = async (
    c: Context<AppEnv>,
    id: string,
    body: PolicyPatchBody | z.infer<typeof PolicyPatchWithIdSchema>,
  ) => {
    if (![...PATCHABLE, 'config'].some((f) => (body as Record<string, unknown>)[f] !== undefined)) {
      const message = `send at least one of ${PATCHABLE.join(', ')}`
      throw new AppError('validation_failed', `body: ${message}`, [{ path: '', message }])
    }
    const orgId = orgOf(c)
    const current = await store.control.getPolicy(orgId, id)
    if (!current) throw notFound()
    const change: PolicyPatch = {}
    for (const field of ['name', 'agent_name', 'environment', 'enabled', 'priority'] as const)
      if (body[field] !== undefined) Object.assign(change, { [field]: body[field] })
    const config = sentConfig(body)
    if (config || (body.rule_type !== undefined && body.rule_type !== current.rule_type)) {
      // Type and config are validated and written together, so the stored pair always fits.
      change.rule_type = body.rule_type ?? current.rule_type
      change.rule_config = config
        ? parseRuleConfig(change.rule_type, config.value, config.field)
        : storedConfigFor(change.rule_type, current)
    }
    const policy = await store.control.updatePolicy(orgId, id, change, Date.now())
    if (!policy) throw notFound()
    const changed = PATCHABLE.filter(
      (f) => JSON.stringify(current[f]) !== JSON.stringify(policy[f]),
    )
    if (changed.length > 0)
      await recordControlChange(c, committer, {
        action: 'policy.updated',
        title: `Changed ${changed.join(', ')} of policy ${policy.name ?? policy.id}`,
        environment: policy.environment,
        metadata: {
          policy,
          changed: Object.fromEntries(changed.map((f) => [f, { from: current[f], to: policy[f] }])),
        },
      })
    return c.json({ policy })
  }

  const patchSpec = (path: string) => ({
    method: 'patch' as const,
    path,
    tag: 'control',
    scope: 'control' as const,
    summary: path.endsWith('{id}')
      ? 'Change a policy'
      : 'Change a policy (AgentLedger’s form: the id in the body)',
    description:
      'Fields not sent keep their value. `rule_type` and `rule_config` are validated together: a new config against the new type if ' +
      'one is sent, else the stored type; a new type without a config needs the stored config to fit it. Both are stored. Recorded as `policy.updated`.',
    bodyBytes: BODY_BYTES,
    responses: {
      200: { description: 'The policy after the change', schema: One },
      400: { description: 'A bad field, named', schema: ErrorBodySchema },
      404: { description: 'No such policy', schema: ErrorBodySchema },
    },
  })
  router.add(
    { ...patchSpec('/api/v1/policies/{id}'), params: IdParams, body: PolicyPatchSchema },
    (c, { params, body }) => patch(c, params.id, body),
  )
  router.add({ ...patchSpec('/api/v1/policies'), body: PolicyPatchWithIdSchema }, (c, { body }) =>
    patch(c, body.id, body),
  )

  const remove = async (c: Context<AppEnv>, id: string) => {
    const orgId = orgOf(c)
    const policy = await store.control.getPolicy(orgId, id)
    if (!policy || !(await store.control.deletePolicy(orgId, id))) throw notFound()
    await recordControlChange(c, committer, {
      action: 'policy.deleted',
      title: `Deleted ${policy.rule_type} policy ${policy.name ?? policy.id}`,
      environment: policy.environment,
      metadata: { policy },
    })
    return c.json({ deleted: true as const })
  }
  const deleteSpec = (path: string) => ({
    method: 'delete' as const,
    path,
    tag: 'control',
    scope: 'control' as const,
    summary: path.endsWith('{id}')
      ? 'Delete a policy'
      : 'Delete a policy (AgentLedger’s form: `?id=`)',
    description: 'Recorded as `policy.deleted`, with the policy as it was.',
    responses: {
      200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true) }) },
      404: { description: 'No such policy', schema: ErrorBodySchema },
    },
  })
  router.add({ ...deleteSpec('/api/v1/policies/{id}'), params: IdParams }, (c, { params }) =>
    remove(c, params.id),
  )
  router.add({ ...deleteSpec('/api/v1/policies'), query: IdQuery }, (c, { query }) =>
    remove(c, query.id),
  )
}

/** The stored config under a new rule type: kept only when it fits that type. */
function storedConfigFor(type: PolicyRecord['rule_type'], current: PolicyRecord) {
  try {
    return parseRuleConfig(type, current.rule_config, 'rule_config')
  } catch {
    const message = `the stored rule_config does not fit rule_type ${type}; send a rule_config for it`
    throw new AppError('validation_failed', `rule_config: ${message}`, [
      { path: 'rule_config', message },
    ])
  }
}
