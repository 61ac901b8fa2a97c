import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { AlertRecord } from '../../store/control-store.js'
import type { AppDeps } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { recordControlChange } from './control-audit.js'
import { strictBody } from './strict-body.js'

const ListQuery = z.object({
  all: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .describe('true: acknowledged alerts too. Default false.'),
  environment: z.string().min(1).max(LIMITS.shortString).optional(),
  agent: z
    .string()
    .min(1)
    .max(LIMITS.shortString)
    .optional()
    .describe('Only the alerts about this agent.'),
  state: z
    .enum(['firing', 'resolved'], { error: 'must be firing or resolved' })
    .optional()
    .describe('Only firing or only resolved alerts. Default both.'),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .default(50)
    .describe('1..200, default 50.'),
})

const AcknowledgeSchema = strictBody({
  id: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
  all: z.boolean({ error: 'must be true or false' }).optional(),
}).meta({ id: 'AlertAcknowledge' })

const TransitionSchema = z
  .object({
    state: z.enum([
      'pending',
      'firing',
      'escalated',
      'recovering',
      'refiring',
      'resolved',
      'cleared',
    ]),
    at: z.string(),
    severity: z.enum(['warning', 'critical']),
    value: z.number().nullable(),
    window: z.object({ from: z.string(), to: z.string() }),
  })
  .meta({ id: 'AlertTransition' })

const AlertSchema = z
  .object({
    id: z.string(),
    environment: z.string(),
    agent_name: z.string().nullable(),
    alert_type: z
      .string()
      .describe('`policy_violation`, `budget_warning`, `budget_exceeded`, `agent_killed`...'),
    severity: z.enum(['info', 'warning', 'critical']),
    message: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    acknowledged_at: z.string().nullable(),
    acknowledged: z.boolean(),
    created_at: z.string(),
    state: z
      .enum(['firing', 'resolved'])
      .describe(
        '`firing` until resolved; the control plane’s alerts (kills, budgets) stay firing.',
      ),
    rule_id: z
      .string()
      .nullable()
      .describe('The alert rule that raised it; null for the control plane’s.'),
    series: z
      .string()
      .nullable()
      .describe('The series of the rule it is about: JSON of [environment, agent, service].'),
    history: z.array(TransitionSchema).describe('Every step of its life, oldest first.'),
    updated_at: z.string(),
    resolved_at: z.string().nullable(),
  })
  .meta({ id: 'Alert' })

const view = (a: AlertRecord) => ({ ...a, acknowledged: a.acknowledged_at !== null })

/**
 * AgentLedger's alerts, `GET /api/v1/alerts` and `POST /api/v1/alerts/acknowledge`, with state and
 * history added, and `GET /api/v1/alerts/{id}`.
 */
export function alertRoutes(router: Router, deps: Pick<AppDeps, 'store' | 'committer'>): void {
  const { store, committer } = deps
  router.add(
    {
      method: 'get',
      path: '/api/v1/alerts',
      tag: 'control',
      scope: 'read',
      summary: 'Alerts, newest first: the unacknowledged ones unless `all=true`',
      query: ListQuery,
      responses: {
        200: { description: 'The alerts', schema: z.object({ alerts: z.array(AlertSchema) }) },
      },
    },
    async (c, { query, key }) =>
      c.json({ alerts: (await store.control.listAlerts(key.org_id, query)).map(view) }),
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/alerts/{id}',
      tag: 'control',
      scope: 'read',
      summary: 'One alert, with its history',
      params: z.object({ id: z.string() }),
      responses: {
        200: { description: 'The alert', schema: z.object({ alert: AlertSchema }) },
        404: { description: 'No alert with this id in your org', schema: ErrorBodySchema },
      },
    },
    async (c, { params, key }) => {
      const alert = await store.control.getAlert(key.org_id, params.id)
      if (!alert) throw new AppError('not_found', 'no alert with this id in your org')
      return c.json({ alert: view(alert) })
    },
  )

  router.add(
    {
      method: 'post',
      path: '/api/v1/alerts/acknowledge',
      tag: 'control',
      scope: 'control',
      summary: 'Acknowledge one alert (`{id}`) or every open one (`{all: true}`)',
      description: 'Recorded in the trail as `alert.acknowledged` when it acknowledged anything.',
      body: AcknowledgeSchema,
      bodyBytes: 4096,
      responses: {
        200: {
          description: 'Acknowledged',
          schema: z.object({ message: z.enum(['Alert acknowledged', 'All alerts acknowledged']) }),
        },
        400: {
          description: '`Missing required field: id or all`, or both sent',
          schema: ErrorBodySchema,
        },
        404: {
          description: 'No unacknowledged alert with this id in your org',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { body, key }) => {
      const all = body.all === true
      if (!all && body.id === undefined)
        throw new AppError('validation_failed', 'Missing required field: id or all')
      if (all && body.id !== undefined)
        throw new AppError(
          'validation_failed',
          'send id (one alert) or all (every open one), not both',
          [{ path: 'all', message: 'cannot be sent with id' }],
        )
      const orgId = key.org_id
      const count = await store.control.acknowledgeAlerts(
        orgId,
        all ? { all: true } : { id: body.id as string },
        Date.now(),
      )
      if (!all && count === 0)
        throw new AppError('not_found', 'no unacknowledged alert with this id in your org')
      if (count > 0)
        await recordControlChange(c, committer, {
          action: 'alert.acknowledged',
          title: all
            ? `Acknowledged ${count} alert${count === 1 ? '' : 's'}`
            : 'Acknowledged an alert',
          metadata: all ? { all: true, count } : { id: body.id },
        })
      return c.json({ message: all ? 'All alerts acknowledged' : 'Alert acknowledged' })
    },
  )
}
