import { z } from 'zod'
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
      description: 'Keys not named keep their value. Applies at once in this process, within 5 s in other processes.',
      body: SettingsPatchSchema,
      responses: {
        200: { description: 'The settings after the change', schema: OrgSettingsSchema },
        400: { description: 'An unknown key or a bad value, by field', schema: ErrorBodySchema },
      },
    },
    async (c) => {
      const orgId = c.get('apiKey').org_id
      const patch = parseBody(SettingsPatchSchema, (await readJson(c, 64 * 1024)).value)
      const current = await settings.get(orgId)
      const next = OrgSettingsSchema.parse({
        plan: { ...current.plan, ...patch.plan },
        require_registered_agents: patch.require_registered_agents ?? current.require_registered_agents,
        redaction: { ...current.redaction, ...patch.redaction },
      })
      await settings.set(orgId, next)
      return c.json(next)
    },
  )
}
