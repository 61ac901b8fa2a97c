import { z } from 'zod'
import type { SettingsCache } from '../../orgs/settings-cache.js'
import { PlanSchema } from '../../orgs/org-settings.js'
import type { Store } from '../../store/store.js'
import { usageMonth } from '../../store/usage-month.js'
import type { Router } from '../router.js'

const OrgUsageSchema = z
  .object({
    plan: PlanSchema,
    month: z.string().describe('The UTC calendar month counted, `YYYY-MM`.'),
    period: z.object({
      from: z.string().describe('The first instant of the month (UTC).'),
      to: z.string().describe('The first instant of the next month (UTC), exclusive.'),
    }),
    logs: z.object({
      used: z
        .number()
        .describe('Events received this month (duplicates not counted, deleted ones still are).'),
      limit: z.number().nullable().describe("The plan's `logs_per_month`; null: no limit."),
      remaining: z.number().nullable().describe('`limit - used`, at least 0; null: no limit.'),
    }),
  })
  .meta({ id: 'OrgUsage' })

/**
 * `GET /api/v1/org/usage`: the org's plan and this month's usage, read with the `read` scope so
 * every dashboard session can show them. The count is the same per-org counter the plan's monthly
 * limit is enforced on (plan-gate.ts), so what is shown is what the limit sees.
 */
export function orgUsageRoute(
  router: Router,
  deps: { store: Pick<Store, 'orgs'>; settings: SettingsCache; now?: () => number },
): void {
  const now = deps.now ?? Date.now
  router.add(
    {
      method: 'get',
      path: '/api/v1/org/usage',
      tag: 'org',
      scope: 'read',
      summary: "The key's org plan and this month's usage",
      description:
        'Usage is counted by receive time in UTC calendar months, as the monthly log limit counts it.',
      responses: { 200: { description: 'The plan and the usage', schema: OrgUsageSchema } },
    },
    async (c, { key }) => {
      const at = now()
      const month = usageMonth(at)
      const [settings, used] = await Promise.all([
        deps.settings.get(key.org_id),
        deps.store.orgs.usage(key.org_id, month),
      ])
      const start = new Date(`${month}-01T00:00:00.000Z`)
      const next = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))
      const limit = settings.plan.logs_per_month
      return c.json({
        plan: settings.plan,
        month,
        period: { from: start.toISOString(), to: next.toISOString() },
        logs: { used, limit, remaining: limit === null ? null : Math.max(0, limit - used) },
      })
    },
  )
}
