import type { Context } from 'hono'
import { z } from 'zod'
import { uuidv7 } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { AlertRule } from '../../store/alert-model.js'
import type { AppDeps, AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { EVERYWHERE, changed, field, mergeScope } from './alert-rule-change.js'
import {
  AlertRulePatchSchema,
  AlertRuleSchema,
  NewAlertRuleSchema,
  PATCHABLE,
  checkRuleLimit,
  checkThresholdRule,
  defaultsFor,
} from './alert-rule-schemas.js'
import { recordControlChange } from './control-audit.js'

const BODY_BYTES = 16 * 1024
const IdParams = z.object({ id: z.string() })
const One = z.object({ rule: AlertRuleSchema })
const notFound = () => new AppError('not_found', 'no alert rule with this id in your org')
/** Alert rules (`/api/v1/alert-rules`): the built-in detectors and the org's threshold rules. */
export function alertRuleRoutes(router: Router, deps: Pick<AppDeps, 'store' | 'committer'>): void {
  const { store, committer } = deps
  const orgOf = (c: Context<AppEnv>) => c.get('apiKey').org_id
  const audit = (c: Context<AppEnv>, action: string, title: string, rule: AlertRule, extra = {}) =>
    recordControlChange(c, committer, {
      action,
      title,
      environment: rule.scope.environment,
      metadata: { rule, ...extra },
    })

  router.add(
    {
      method: 'get',
      path: '/api/v1/alert-rules',
      tag: 'control',
      scope: 'read',
      summary: 'Alert rules: the built-in ones first, then the org’s own by creation',
      responses: {
        200: { description: 'The rules', schema: z.object({ rules: z.array(AlertRuleSchema) }) },
      },
    },
    async (c) => c.json({ rules: await store.alerts.listRules(orgOf(c)) }),
  )

  router.add(
    {
      method: 'post',
      path: '/api/v1/alert-rules',
      tag: 'control',
      scope: 'control',
      summary: 'Create a threshold rule',
      description:
        'Rates (`error_rate`, `denied_rate`) are fractions 0..1; `warning` must be on the safe side of `alert`; ' +
        '`latency_p95` takes no `scope.service`. At most 100 rules of the org’s own. Recorded as `alert_rule.created`.',
      body: NewAlertRuleSchema,
      bodyBytes: BODY_BYTES,
      responses: {
        201: { description: 'Created', schema: One },
        400: { description: 'A bad field, named', schema: ErrorBodySchema },
        409: { description: '`limit_reached`: the org has 100 rules', schema: ErrorBodySchema },
      },
    },
    async (c, { body }) => {
      const orgId = orgOf(c)
      const now = new Date().toISOString()
      const { scope, ...rest } = body
      const rule: AlertRule = {
        ...defaultsFor(body.metric),
        ...rest,
        id: uuidv7(),
        type: 'threshold',
        builtin: false,
        scope: mergeScope(EVERYWHERE, scope),
        warning: body.warning ?? null,
        created_at: now,
        updated_at: now,
      }
      checkThresholdRule(rule)
      checkRuleLimit((await store.alerts.listRules(orgId)).filter((r) => !r.builtin).length)
      const created = await store.alerts.createRule(orgId, rule)
      await audit(c, 'alert_rule.created', `Created alert rule ${created.name}`, created)
      return c.json({ rule: created }, 201)
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/alert-rules/{id}',
      tag: 'control',
      scope: 'read',
      summary: 'One alert rule',
      params: IdParams,
      responses: {
        200: { description: 'The rule', schema: One },
        404: { description: 'No such rule in your org', schema: ErrorBodySchema },
      },
    },
    async (c, { params }) => {
      const rule = await store.alerts.getRule(orgOf(c), params.id)
      if (!rule) throw notFound()
      return c.json({ rule })
    },
  )

  router.add(
    {
      method: 'patch',
      path: '/api/v1/alert-rules/{id}',
      tag: 'control',
      scope: 'control',
      summary: 'Change an alert rule (built-in ones too)',
      description:
        'Fields not sent keep their value; `scope` fields sent replace theirs (null: every one). A threshold rule takes ' +
        'any field and is validated as a whole afterwards; an anomaly rule takes `name`, `enabled` and ' +
        '`scope.environment`/`scope.agent` only. Recorded as `alert_rule.updated` when it changed anything.',
      params: IdParams,
      body: AlertRulePatchSchema,
      bodyBytes: BODY_BYTES,
      responses: {
        200: { description: 'The rule after the change', schema: One },
        400: { description: 'A bad field, named; or no field sent', schema: ErrorBodySchema },
        404: { description: 'No such rule in your org', schema: ErrorBodySchema },
      },
    },
    async (c, { params, body }) => {
      if (!PATCHABLE.some((f) => body[f] !== undefined)) {
        const message = `send at least one of ${PATCHABLE.join(', ')}`
        throw new AppError('validation_failed', `body: ${message}`, [{ path: '', message }])
      }
      const orgId = orgOf(c)
      const current = await store.alerts.getRule(orgId, params.id)
      if (!current) throw notFound()
      const next = changed(current, body, new Date().toISOString())
      const fields = PATCHABLE.filter(
        (f) => JSON.stringify(field(current, f)) !== JSON.stringify(field(next, f)),
      )
      // Nothing differs: the rule stays as it was, its update time too.
      if (fields.length === 0) return c.json({ rule: current })
      if (!(await store.alerts.updateRule(orgId, next))) throw notFound()
      const rule = (await store.alerts.getRule(orgId, next.id)) ?? next
      await audit(
        c,
        'alert_rule.updated',
        `Changed ${fields.join(', ')} of alert rule ${rule.name}`,
        rule,
        {
          changed: Object.fromEntries(
            fields.map((f) => [f, { from: field(current, f), to: field(rule, f) }]),
          ),
        },
      )
      return c.json({ rule })
    },
  )

  router.add(
    {
      method: 'delete',
      path: '/api/v1/alert-rules/{id}',
      tag: 'control',
      scope: 'control',
      summary: 'Delete an alert rule of the org’s own',
      description:
        'Its open alerts are resolved by the next evaluation. Built-in rules cannot be deleted (409 `builtin_rule`); ' +
        'disable them instead. Recorded as `alert_rule.deleted`, with the rule as it was.',
      params: IdParams,
      responses: {
        200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true) }) },
        404: { description: 'No such rule in your org', schema: ErrorBodySchema },
        409: { description: '`builtin_rule`: a built-in rule', schema: ErrorBodySchema },
      },
    },
    async (c, { params }) => {
      const orgId = orgOf(c)
      const rule = await store.alerts.getRule(orgId, params.id)
      if (!rule) throw notFound()
      if (rule.builtin)
        throw new AppError(
          'builtin_rule',
          'built-in rules cannot be deleted; disable them with PATCH {enabled:false}',
        )
      if (!(await store.alerts.deleteRule(orgId, rule.id))) throw notFound()
      await audit(c, 'alert_rule.deleted', `Deleted alert rule ${rule.name}`, rule)
      return c.json({ deleted: true as const })
    },
  )
}
