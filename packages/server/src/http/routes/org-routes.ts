import { z } from 'zod'
import { patchPlan } from '../../orgs/plan-presets.js'
import type { SettingsCache } from '../../orgs/settings-cache.js'
import { OrgSettingsSchema, PlanSchema, RedactionSettingsSchema } from '../../store/org-settings.js'
import { ErrorBodySchema } from '../openapi.js'
import { parseBody } from '../route-spec.js'
import type { Router } from '../router.js'
import { readJson } from '../body.js'

/** A partial update: each given section replaces only the keys it names. */
const SettingsPatchSchema = z
  .strictObject({
    plan: PlanSchema.partial().strict().optional(),
    require_registered_agents: z.boolean().optional(),
    redaction: RedactionSettingsSchema.partial().strict().optional(),
  })
  .meta({ id: 'OrgSettingsPatch' })

export function orgRoutes(router: Router, settings: SettingsCache): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/org/settings',
      tag: 'org',
      scope: 'admin',
      summary: "The key's org settings: plan limits, agent registration, secret redaction",
      responses: { 200: { description: 'The settings, defaults filled in', schema: OrgSettingsSchema } },
    },
    async (c) => c.json(await settings.get(c.get('apiKey').org_id)),
  )

  router.add(
    {
      method: 'patch',
      path: '/api/v1/org/settings',
      tag: 'org',
      scope: 'admin',
      summary: 'Change org settings',
      description:
        "Keys not named keep their value. `plan.name` free, pro, business or enterprise also sets that plan's limits, except those given in the same request. Applies at once in this process, within 5 s in other processes.",
      body: SettingsPatchSchema,
      responses: {
        200: { description: 'The settings after the change', schema: OrgSettingsSchema },
        400: { description: 'An unknown key or a bad value, by field', schema: ErrorBodySchema },
      },
    },
    async (c) => {
      const orgId = c.get('apiKey').org_id
      const { value } = await readJson(c, 64 * 1024)
      const patch = parseBody(SettingsPatchSchema, value)
      // zod fills in the defaults of keys not sent; a patch changes only the keys it names.
      const sent = <T extends object>(parsed: T | undefined, section: 'plan' | 'redaction'): Partial<T> => {
        const names = Object.keys((value as Record<string, object | undefined>)[section] ?? {})
        return Object.fromEntries(Object.entries(parsed ?? {}).filter(([k]) => names.includes(k))) as Partial<T>
      }
      const current = await settings.get(orgId)
      const next = OrgSettingsSchema.parse({
        plan: patchPlan(current.plan, sent(patch.plan, 'plan')),
        require_registered_agents: patch.require_registered_agents ?? current.require_registered_agents,
        redaction: { ...current.redaction, ...sent(patch.redaction, 'redaction') },
      })
      await settings.set(orgId, next)
      return c.json(next)
    },
  )
}
