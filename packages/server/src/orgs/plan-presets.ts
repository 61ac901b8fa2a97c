import type { Plan } from './org-settings.js'

/**
 * AgentWarden's plans (shared/reference/002, "Plan Limits" and "Rate Limiting"). Enterprise is
 * unlimited in logs; its retention and rate are "custom", so they stay unset unless given.
 */
export const PLAN_PRESETS: Readonly<Record<string, Omit<Plan, 'name'>>> = {
  free: { logs_per_month: 1_000, retention_days: 7, requests_per_minute: 100 },
  pro: { logs_per_month: 50_000, retention_days: 30, requests_per_minute: 1_000 },
  business: { logs_per_month: 500_000, retention_days: 90, requests_per_minute: 10_000 },
  enterprise: { logs_per_month: null, retention_days: null, requests_per_minute: null },
}

/**
 * A plan change with a preset's limits filled in. Naming a preset (`{name: 'free'}`) takes all of
 * its limits, except those the same change sets explicitly; any other change (an own name, or
 * limits alone) keeps the limits it does not name when the store applies it.
 */
export function withPresetLimits(change: Partial<Plan>): Partial<Plan> {
  const preset =
    change.name !== undefined && Object.hasOwn(PLAN_PRESETS, change.name)
      ? PLAN_PRESETS[change.name]
      : undefined
  const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined))
  return { ...preset, ...given }
}
