import type { Plan } from '../store/org-settings.js'

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
 * The plan after a partial update. Naming a preset (`{"name": "free"}`) takes all of its limits,
 * except those the same update sets explicitly; any other change keeps the limits not named.
 */
export function patchPlan(current: Plan, patch: Partial<Plan>): Plan {
  const preset = patch.name !== undefined && Object.hasOwn(PLAN_PRESETS, patch.name) ? PLAN_PRESETS[patch.name] : undefined
  return { ...current, ...preset, ...patch }
}
