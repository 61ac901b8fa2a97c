import type { Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { IdParams, IdQuery } from './publish-schemas.js'

/**
 * The two ways to delete a subscription: `DELETE <base>/{id}` and AgentLedger's
 * `DELETE <base>?id=`, both answering `{deleted: true}` (admin scope).
 */
export function deleteRoutes(
  router: Router,
  spec: { base: string; tag: string; noun: string; description: string },
  remove: (c: Context<AppEnv>, id: string) => Promise<Response>,
): void {
  const common = {
    method: 'delete' as const,
    tag: spec.tag,
    scope: 'admin' as const,
    description: spec.description,
    responses: {
      200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true) }) },
      404: { description: `No such ${spec.noun}`, schema: ErrorBodySchema },
    },
  }
  router.add(
    { ...common, path: `${spec.base}/{id}`, summary: `Delete a ${spec.noun}`, params: IdParams },
    (c, { params }) => remove(c, params.id),
  )
  router.add(
    {
      ...common,
      path: spec.base,
      summary: `Delete a ${spec.noun} (AgentLedger’s form: \`?id=\`)`,
      query: IdQuery,
    },
    (c, { query }) => remove(c, query.id),
  )
}
