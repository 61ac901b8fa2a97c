import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import { ANOMALY_METRICS, NO_DATA_MODES, THRESHOLD_METRICS } from '../../store/alert-model.js'
import type { ThresholdMetric, ThresholdRule } from '../../store/alert-model.js'
import { strictBody } from './strict-body.js'

/** Rules of an org's own (built-in ones not counted). */
const MAX_RULES_PER_ORG = 100
/** Window bounds of a threshold rule, in minutes: 5 minutes to a day. */
const WINDOW_MIN = 5
const WINDOW_MAX = 1440
/** The rates, which are fractions (0.25 is 25 %). */
const RATES: readonly ThresholdMetric[] = ['error_rate', 'denied_rate']
const isRate = (metric: ThresholdMetric) => RATES.includes(metric)

const enumOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` })

const scopeName = () =>
  z
    .string({ error: 'must be a string or null' })
    .min(1, 'must not be empty; send null for all')
    .max(LIMITS.shortString, `must be at most ${LIMITS.shortString} characters`)
    .nullable()
    .optional()

const threshold = () =>
  z
    .number({ error: 'must be a number' })
    .min(0, 'must be at least 0')
    .max(1e12, 'must be at most 1e12')

const ScopeInput = strictBody({
  environment: scopeName().describe('Only this environment; null or absent: every one.'),
  agent: scopeName().describe('Only this agent; null or absent: every one.'),
  service: scopeName().describe(
    'Only actions with this service (threshold rules other than latency_p95).',
  ),
}).describe('What the rule watches; fields not sent are every environment, agent or service.')

const fields = {
  name: z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters'),
  metric: enumOf(THRESHOLD_METRICS).describe(
    'error_rate and denied_rate are fractions of the window’s actions; actions a count; cost USD; latency_p95 ms.',
  ),
  scope: ScopeInput.optional(),
  group_by: enumOf(['agent', 'none'])
    .optional()
    .describe(
      '`agent` (default): one series per environment and agent; `none`: one for the scope.',
    ),
  window_minutes: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(WINDOW_MIN, `must be at least ${WINDOW_MIN}`)
    .max(WINDOW_MAX, `must be at most ${WINDOW_MAX}`)
    .optional()
    .describe(`The sliding window, ${WINDOW_MIN}..${WINDOW_MAX} minutes, default 60.`),
  operator: enumOf(['above', 'below']).optional().describe('Default `above`.'),
  warning: threshold()
    .nullable()
    .optional()
    .describe('Warning threshold, on the safe side of `alert`; null or absent: none.'),
  alert: threshold().describe('Alert threshold (critical). Rates 0..1.'),
  min_actions: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(1_000_000, 'must be at most 1000000')
    .optional()
    .describe('A window with fewer actions is quiet. Default 10 for rates, 0 otherwise.'),
  no_data: enumOf(NO_DATA_MODES)
    .optional()
    .describe(
      'A window without actions: `zero` (default) counts as 0, `ok` is quiet, `keep` keeps the state, `alert` fires.',
    ),
  enabled: z.boolean({ error: 'must be true or false' }).optional().describe('Default true.'),
}

export const NewAlertRuleSchema = strictBody(fields).meta({ id: 'NewAlertRule' })
export type NewAlertRuleBody = z.infer<typeof NewAlertRuleSchema>

export const AlertRulePatchSchema = strictBody({
  ...fields,
  name: fields.name.optional(),
  alert: fields.alert.optional(),
  metric: fields.metric.optional(),
}).meta({ id: 'AlertRulePatch' })
export type AlertRulePatchBody = z.infer<typeof AlertRulePatchSchema>

/** The fields a change may carry; an anomaly rule takes the first three only. */
export const PATCHABLE = [
  'name',
  'enabled',
  'scope',
  'metric',
  'group_by',
  'window_minutes',
  'operator',
  'warning',
  'alert',
  'min_actions',
  'no_data',
] as const
export const ANOMALY_PATCHABLE = ['name', 'enabled', 'scope'] as const

const RuleScopeSchema = z.object({
  environment: z.string().nullable(),
  agent: z.string().nullable(),
  service: z.string().nullable(),
})
const ruleBase = {
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  builtin: z
    .boolean()
    .describe('Made by the server for every org: it can be changed, not deleted.'),
  scope: RuleScopeSchema,
  created_at: z.string(),
  updated_at: z.string(),
}
export const AlertRuleSchema = z
  .discriminatedUnion('type', [
    z.object({ ...ruleBase, type: z.literal('anomaly'), metric: z.enum(ANOMALY_METRICS) }),
    z.object({
      ...ruleBase,
      type: z.literal('threshold'),
      metric: z.enum(THRESHOLD_METRICS),
      group_by: z.enum(['agent', 'none']),
      window_minutes: z.number(),
      operator: z.enum(['above', 'below']),
      warning: z.number().nullable(),
      alert: z.number(),
      min_actions: z.number(),
      no_data: z.enum(NO_DATA_MODES),
    }),
  ])
  .meta({ id: 'AlertRule' })

/** The defaults of a threshold rule's optional fields for `metric`. */
export const defaultsFor = (metric: ThresholdMetric) => ({
  group_by: 'agent' as const,
  window_minutes: 60,
  operator: 'above' as const,
  warning: null,
  min_actions: isRate(metric) ? 10 : 0,
  no_data: 'zero' as const,
  enabled: true,
})

const invalid = (path: string, message: string) =>
  new AppError('validation_failed', `${path}: ${message}`, [{ path, message }])

/**
 * Checks a threshold rule as a whole (as created, or as a change leaves it): rates are fractions,
 * the warning is on the safe side of the alert, and latency has no service scope. 400 otherwise.
 */
export function checkThresholdRule(rule: ThresholdRule): void {
  if (isRate(rule.metric))
    for (const field of ['alert', 'warning'] as const) {
      const value = rule[field]
      if (value !== null && value > 1)
        throw invalid(field, `${rule.metric} is a fraction: must be at most 1 (0.25 is 25 %)`)
    }
  if (rule.warning !== null) {
    if (rule.operator === 'above' && rule.warning >= rule.alert)
      throw invalid('warning', 'must be below alert when operator is above')
    if (rule.operator === 'below' && rule.warning <= rule.alert)
      throw invalid('warning', 'must be above alert when operator is below')
  }
  if (rule.metric === 'latency_p95' && rule.scope.service !== null)
    throw invalid(
      'scope.service',
      'latency_p95 cannot be scoped to a service: latency is rolled up per agent, not per service',
    )
}

/** 409 `limit_reached` when the org already has `count` rules of its own. */
export function checkRuleLimit(count: number): void {
  if (count >= MAX_RULES_PER_ORG)
    throw new AppError(
      'limit_reached',
      `an org may have at most ${MAX_RULES_PER_ORG} alert rules of its own; delete one first`,
    )
}
