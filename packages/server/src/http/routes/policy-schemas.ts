import { isDeepStrictEqual } from 'node:util'
import { z } from 'zod'
import { LIMITS, zodIssues } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import { RULE_CONFIG_SCHEMAS, RULE_TYPES } from '../../control/policy-rules.js'
import type { RuleConfig, RuleType } from '../../control/policy-rules.js'
import { strictBody } from './strict-body.js'

const TYPES = RULE_TYPES.join(', ')

export const RuleTypeSchema = z.enum(RULE_TYPES, {
  error: (issue) =>
    issue.input === undefined ? `is required: one of ${TYPES}` : `must be one of ${TYPES}`,
})

const RuleConfigInput = z
  .record(z.string(), z.unknown(), { error: 'must be an object' })
  .describe(
    'Validated against the config of `rule_type`: rate_limit `{max_actions, window_seconds? (60)}`; service_allowlist and ' +
      'service_blocklist `{services}`; cost_limit_per_action `{max_cost_cents}`; payload_regex_block `{patterns, fields? ' +
      '(["input","output","context"]; "metadata" too), case_insensitive?}` (RE2 syntax: no back-references or look-around; at most 1,000 compiled instructions); require_approval ' +
      '`{services? ([] = all), actions? ([] = all), expires_in_seconds?}`.',
  )

const name = () =>
  z.string({ error: 'must be a string' }).max(200, 'must be at most 200 characters')
const scopeName = () =>
  z
    .string({ error: 'must be a string or null' })
    .min(1, 'must not be empty; send null for all')
    .max(LIMITS.shortString, `must be at most ${LIMITS.shortString} characters`)
const priority = () =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(1000, 'must be at most 1000')

const fields = {
  name: name().nullable().optional(),
  agent_name: scopeName()
    .nullable()
    .optional()
    .describe('The agent it applies to; null or absent: every agent of the org.'),
  environment: scopeName()
    .nullable()
    .optional()
    .describe('The environment it applies to; null or absent: every environment.'),
  rule_type: RuleTypeSchema,
  rule_config: RuleConfigInput.optional(),
  config: RuleConfigInput.optional().describe('The documentation’s spelling of `rule_config`.'),
  enabled: z.boolean({ error: 'must be true or false' }).optional().describe('Default true.'),
  priority: priority().optional().describe('0..1000, default 0; higher is evaluated first.'),
}

export const NewPolicySchema = strictBody(fields).meta({ id: 'NewPolicy' })

const patchFields = { ...fields, rule_type: RuleTypeSchema.optional() }
export const PolicyPatchSchema = strictBody(patchFields).meta({ id: 'PolicyPatch' })
export const PolicyPatchWithIdSchema = strictBody({
  id: z.string({ error: 'is required' }).min(1),
  ...patchFields,
}).meta({
  id: 'PolicyPatchWithId',
})
export type PolicyPatchBody = z.infer<typeof PolicyPatchSchema>

export const PolicySchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    agent_name: z.string().nullable(),
    environment: z.string().nullable(),
    rule_type: z.enum(RULE_TYPES),
    rule_config: z.record(z.string(), z.unknown()),
    enabled: z.boolean(),
    priority: z.number(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Policy' })

/** The config a body sends, under either spelling; 400 when it sends both and they differ. */
export function sentConfig(body: {
  rule_config?: unknown
  config?: unknown
}): { value: unknown; field: string } | undefined {
  if (
    body.rule_config !== undefined &&
    body.config !== undefined &&
    !isDeepStrictEqual(body.rule_config, body.config)
  ) {
    const message =
      'rule_config and config are two spellings of one field and differ here; send one'
    throw new AppError('validation_failed', `config: ${message}`, [{ path: 'config', message }])
  }
  if (body.rule_config !== undefined) return { value: body.rule_config, field: 'rule_config' }
  if (body.config !== undefined) return { value: body.config, field: 'config' }
  return undefined
}

/** Validates a config against its rule type's schema (defaults filled in); 400 naming `<field>.<path>` otherwise. */
export function parseRuleConfig(type: RuleType, value: unknown, field: string): RuleConfig {
  const result = RULE_CONFIG_SCHEMAS[type].safeParse(value, { reportInput: true })
  if (result.success) return result.data
  // A missing field reads as missing, not as a type error (the input itself stays out of the answer).
  const raw = result.error.issues
  const issues = zodIssues(result.error, field).map((issue, i) =>
    raw[i]?.code === 'invalid_type' && raw[i].input === undefined
      ? { ...issue, message: 'is required' }
      : issue,
  )
  const first = issues[0]
  throw new AppError(
    'validation_failed',
    first ? `${first.path}: ${first.message}` : `${field}: invalid for ${type}`,
    issues,
  )
}
