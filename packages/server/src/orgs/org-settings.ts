import { z } from 'zod'

/**
 * What an operator sets per org. Stored as one JSON document on the org row; read through
 * `OrgSettingsSchema`, so a missing key means its default and older documents stay valid.
 */
export const PlanSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .default('unlimited')
      .describe('A label: free, pro, business, enterprise, or your own.'),
    logs_per_month: z
      .number()
      .int()
      .positive()
      .nullable()
      .default(null)
      .describe('Events per UTC calendar month. null: no limit.'),
    retention_days: z
      .number()
      .int()
      .positive()
      .nullable()
      .default(null)
      .describe('Events older than this are deleted. null: kept.'),
    requests_per_minute: z
      .number()
      .int()
      .positive()
      .nullable()
      .default(null)
      .describe('Ingest requests per minute for the org. null: no limit.'),
  })
  .meta({ id: 'Plan' })

export const RedactionSettingsSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Secret redaction before anything is written. Default true.'),
    field_names: z
      .array(z.string().min(1).max(128))
      .max(100)
      .default([])
      .describe('More field names whose values are always redacted (case-insensitive, exact).'),
    allow_field_names: z
      .array(z.string().min(1).max(128))
      .max(100)
      .default([])
      .describe('Field names never redacted by name, even when they look like secrets.'),
  })
  .meta({ id: 'RedactionSettings' })

export const OrgSettingsSchema = z
  .object({
    plan: PlanSchema.prefault({}),
    require_registered_agents: z
      .boolean()
      .default(false)
      .describe(
        'When true, events for an agent that is not registered are refused (404 Agent not found on /sdk/log).',
      ),
    redaction: RedactionSettingsSchema.prefault({}),
  })
  .meta({ id: 'OrgSettings' })

export type OrgSettings = z.infer<typeof OrgSettingsSchema>
export type Plan = z.infer<typeof PlanSchema>

/** Reads a stored document; an unreadable one falls back to the defaults rather than failing every request. */
export function parseOrgSettings(text: string | null | undefined): OrgSettings {
  let value: unknown = {}
  try {
    value = text ? JSON.parse(text) : {}
  } catch {
    value = {}
  }
  const result = OrgSettingsSchema.safeParse(value)
  return result.success ? result.data : OrgSettingsSchema.parse({})
}

export type RedactionSettings = z.infer<typeof RedactionSettingsSchema>

/** A partial change: each section given replaces only the keys it names. */
export interface OrgSettingsPatch {
  plan?: Partial<Plan>
  require_registered_agents?: boolean
  redaction?: Partial<RedactionSettings>
}

/**
 * The settings after a patch, validated. Pure, so each store runs it inside the transaction that
 * read `current`. A key present with the value undefined is treated as absent. Throws on a value
 * the schema refuses: callers validate first (the routes and the CLI do).
 */
export function applySettingsPatch(current: OrgSettings, patch: OrgSettingsPatch): OrgSettings {
  return OrgSettingsSchema.parse({
    plan: { ...current.plan, ...defined(patch.plan) },
    require_registered_agents: patch.require_registered_agents ?? current.require_registered_agents,
    redaction: { ...current.redaction, ...defined(patch.redaction) },
  })
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>
}
