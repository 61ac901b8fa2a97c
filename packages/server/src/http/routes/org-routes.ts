import { z } from 'zod'
import { AppError } from '../../app-error.js'
import type { SettingsCache } from '../../orgs/settings-cache.js'
import { OrgSettingsSchema, RedactionSettingsSchema } from '../../orgs/org-settings.js'
import { ErrorBodySchema } from '../openapi.js'
import { parseBody, rawBody } from '../route-spec.js'
import type { Router } from '../router.js'

/** A partial update: each given section replaces only the keys it names. The plan is not here (see below). */
const SettingsPatchSchema = z
  .strictObject({
    require_registered_agents: z.boolean().optional(),
    redaction: RedactionSettingsSchema.partial().strict().optional(),
  })
  .meta({ id: 'OrgSettingsPatch' })

/**
 * Why a tenant's key cannot change its plan: the plan is what the operator of this server grants
 * the org (its limits are what the tenant pays for), so only the operator sets it, on the store.
 */
const planRefusal = (orgId: string) =>
  `The plan is set by the operator of this AgentTrail server, not with an API key: agenttrail orgs plan ${orgId} --name <plan> ` +
  '(see docs/operations.md, "Plans"). Nothing was changed.'

export function orgRoutes(router: Router, settings: SettingsCache): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/org/settings',
      tag: 'org',
      scope: 'admin',
      summary: "The key's org settings: plan limits, agent registration, secret redaction",
      responses: {
        200: { description: 'The settings, defaults filled in', schema: OrgSettingsSchema },
      },
    },
    async (c, { key }) => c.json(await settings.get(key.org_id)),
  )

  router.add(
    {
      method: 'patch',
      path: '/api/v1/org/settings',
      tag: 'org',
      scope: 'admin',
      summary: 'Change org settings',
      description:
        'Keys not named keep their value; concurrent changes of different keys all apply. The plan is read-only here: a body with ' +
        '`plan` is refused with 403 (the operator sets it with `agenttrail orgs plan`). Applies at once in this process, within 5 s in others.',
      // Parsed here: a body naming `plan` is a 403 before any field is checked, and the patch
      // applies only the redaction keys sent (the schema fills in the others' defaults).
      body: rawBody(SettingsPatchSchema),
      bodyBytes: 64 * 1024,
      responses: {
        200: { description: 'The settings after the change', schema: OrgSettingsSchema },
        400: { description: 'An unknown key or a bad value, by field', schema: ErrorBodySchema },
        403: {
          description: 'The body names `plan`, or the key lacks the admin scope',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { body: value, key }) => {
      const orgId = key.org_id
      if (value !== null && typeof value === 'object' && Object.hasOwn(value, 'plan'))
        throw new AppError('forbidden', planRefusal(orgId))
      const patch = parseBody(SettingsPatchSchema, value)
      // zod fills in the defaults of keys not sent; a patch changes only the keys it names.
      const sent = Object.keys((value as { redaction?: object }).redaction ?? {})
      const redaction = Object.fromEntries(
        Object.entries(patch.redaction ?? {}).filter(([k]) => sent.includes(k)),
      )
      // Merged with the stored settings inside the store's transaction, not with this process's cache.
      return c.json(
        await settings.update(orgId, {
          require_registered_agents: patch.require_registered_agents,
          redaction,
        }),
      )
    },
  )
}
