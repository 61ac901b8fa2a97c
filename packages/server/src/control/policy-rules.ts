import { z } from 'zod'
import type { RuleType } from '@agenttrail/protocol'
import { compileSafePattern } from './safe-regex.js'

export { RULE_TYPES } from '@agenttrail/protocol'
export type { RuleType } from '@agenttrail/protocol'

/** The longest rate window a policy may have; older rate-window entries are purged. */
export const MAX_WINDOW_SECONDS = 31 * 86_400

/** Payload fields a `payload_regex_block` rule may look at. A check carries `input` (AgentWarden: `context`). */
export const PAYLOAD_FIELDS = ['input', 'output', 'context', 'metadata'] as const
export type PayloadField = (typeof PAYLOAD_FIELDS)[number]

const positiveInt = (max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .max(max, `must be at most ${max}`)
const names = (what: string) =>
  z
    .array(
      z
        .string()
        .min(1, `each ${what} must be a non-empty string`)
        .max(200, `each ${what} must be at most 200 characters`),
    )
    .max(500)

/** The documented configs, one per rule type; `rule_config` is validated against the one its type names. */
export const RULE_CONFIG_SCHEMAS = {
  rate_limit: z.strictObject({
    max_actions: positiveInt(1_000_000),
    window_seconds: positiveInt(MAX_WINDOW_SECONDS).default(60),
  }),
  service_allowlist: z.strictObject({
    services: names('service').min(1, 'must list at least one service'),
  }),
  service_blocklist: z.strictObject({
    services: names('service').min(1, 'must list at least one service'),
  }),
  cost_limit_per_action: z.strictObject({
    max_cost_cents: z
      .number({ error: 'must be a number' })
      .positive('must be greater than 0')
      .max(1e9, 'must be at most 1000000000'),
  }),
  payload_regex_block: z
    .strictObject({
      patterns: z
        .array(z.string({ error: 'each pattern must be a string' }))
        .min(1, 'must list at least one pattern')
        .max(50, 'may list at most 50 patterns'),
      fields: z
        .array(z.enum(PAYLOAD_FIELDS, { error: `must be one of ${PAYLOAD_FIELDS.join(', ')}` }))
        .min(1, 'must list at least one field')
        .default(['input', 'output', 'context']),
      case_insensitive: z.boolean().default(false),
    })
    .superRefine((config, ctx) => {
      // Compiled as the engine will compile them (with the case flag), so what is saved always compiles.
      config.patterns.forEach((source, i) => {
        try {
          compileSafePattern(source, config.case_insensitive)
        } catch (error) {
          ctx.addIssue({ code: 'custom', path: ['patterns', i], message: (error as Error).message })
        }
      })
    }),
  require_approval: z.strictObject({
    services: names('service').default([]).describe('Empty: every service.'),
    actions: names('action').default([]).describe('Empty: every action.'),
    expires_in_seconds: positiveInt(30 * 86_400)
      .optional()
      .describe('Default: the server’s approval lifetime (30 minutes).'),
  }),
} as const satisfies Record<RuleType, z.ZodType>

export type RuleConfigs = { [K in RuleType]: z.output<(typeof RULE_CONFIG_SCHEMAS)[K]> }
export type RuleConfig = RuleConfigs[RuleType]

/** A policy as stored and returned. */
export interface PolicyRecord {
  id: string
  name: string | null
  /** null: every agent of the org. */
  agent_name: string | null
  /** null: every environment. */
  environment: string | null
  rule_type: RuleType
  rule_config: RuleConfig
  enabled: boolean
  /** 0..1000; higher is evaluated first. */
  priority: number
  created_at: string
  updated_at: string
}
