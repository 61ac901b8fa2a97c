import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { SubscriptionRecord } from '../../store/notify-store.js'
import type { Topic } from '../../store/outbox-rows.js'
import { Flag, UrlSchema } from './publish-schemas.js'
import { strictBody } from './strict-body.js'

const TRIGGERS = ['agent.killed', 'budget.exceeded'] as const
/** AgentLedger's code spells the triggers with an underscore; both are accepted. */
const TriggerSchema = z
  .enum([...TRIGGERS, 'agent_killed', 'budget_exceeded'], {
    error: `must be one of ${TRIGGERS.join(', ')} (or agent_killed, budget_exceeded)`,
  })
  .transform((t) => t.replace('_', '.') as Topic)

const unsupported = (what: string) =>
  z
    .unknown()
    .optional()
    .describe(
      `Not supported: a hook fires for every ${what} of its agent. Refused (400) unless absent or null.`,
    )

const fields = {
  url: UrlSchema.optional().describe('Where the hook is called (the documentation’s name).'),
  rollback_webhook_url: UrlSchema.optional().describe('The same as `url` (AgentLedger’s code).'),
  agent_name: z
    .string({ error: 'must be a string or null' })
    .min(1, 'must not be empty; send null for every agent')
    .max(LIMITS.shortString, `must be at most ${LIMITS.shortString} characters`)
    .nullable()
    .optional()
    .describe(
      'The agent whose kill or exceeded budget calls the hook; null or absent: every agent.',
    ),
  triggers: z
    .array(TriggerSchema, { error: 'must be an array of triggers' })
    .min(1, 'must name at least one trigger')
    .max(4, 'must name at most 4 triggers')
    .transform((t) => [...new Set(t)])
    .optional()
    .describe('Default both: agent.killed and budget.exceeded.'),
  service: unsupported('service'),
  action: unsupported('action'),
  rollback_config: z
    .record(z.string(), z.unknown(), { error: 'must be an object or null' })
    .nullable()
    .optional()
    .describe('Any JSON object, sent back to the hook as `config` in every call.'),
  enabled: Flag.describe('Default true; true re-enables and resets the failure count.'),
}

export const NewRollbackHookSchema = strictBody(fields).meta({ id: 'NewRollbackHook' })
export const RollbackHookPatchSchema = strictBody(fields).meta({ id: 'RollbackHookPatch' })
export const RollbackHookPatchWithIdSchema = strictBody({
  id: z.string({ error: 'is required' }).min(1, 'is required'),
  ...fields,
}).meta({ id: 'RollbackHookPatchWithId' })
export type RollbackHookBody = z.infer<typeof NewRollbackHookSchema>

/** The URL a body sends under either name; 400 when both are sent and differ, or service/action filters. */
export function sentUrl(body: RollbackHookBody): string | undefined {
  for (const field of ['service', 'action'] as const)
    if (body[field] !== undefined && body[field] !== null) {
      const message = `filtering rollback hooks by ${field} is not supported; leave it out (a hook fires for every ${field} of its agent)`
      throw new AppError('validation_failed', `${field}: ${message}`, [{ path: field, message }])
    }
  if (
    body.url !== undefined &&
    body.rollback_webhook_url !== undefined &&
    body.url !== body.rollback_webhook_url
  ) {
    const message =
      'url and rollback_webhook_url are two names of one field and differ here; send one'
    throw new AppError('validation_failed', `url: ${message}`, [{ path: 'url', message }])
  }
  return body.url ?? body.rollback_webhook_url
}

export const RollbackHookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    rollback_webhook_url: z.string().describe('The same as `url`.'),
    agent_name: z.string().nullable(),
    triggers: z.array(z.enum(TRIGGERS)),
    enabled: z.boolean(),
    rollback_config: z.record(z.string(), z.unknown()).nullable(),
    failure_count: z.number(),
    disabled_reason: z.string().nullable(),
    last_triggered_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'RollbackHook' })
export type RollbackHookView = z.infer<typeof RollbackHookSchema>

export const CreatedRollbackHookSchema = RollbackHookSchema.extend({
  secret: z
    .string()
    .describe('The signing secret, `whsec_` + base64 of 32 bytes: shown only here.'),
}).meta({ id: 'CreatedRollbackHook' })

/** A rollback hook as the API shows it: never its secret. */
export function rollbackHookView(s: SubscriptionRecord): RollbackHookView {
  const url = s.url ?? ''
  return {
    id: s.id,
    url,
    rollback_webhook_url: url,
    agent_name: s.agent_name,
    triggers: s.topics as RollbackHookView['triggers'],
    enabled: s.enabled,
    rollback_config: s.config === null ? null : (JSON.parse(s.config) as Record<string, unknown>),
    failure_count: s.failure_count,
    disabled_reason: s.disabled_reason,
    last_triggered_at: s.last_triggered_at,
    created_at: s.created_at,
    updated_at: s.updated_at,
  }
}

export { TRIGGERS }
