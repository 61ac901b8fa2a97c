import { z } from 'zod'
import { SCOPES } from '../../store/store.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { KeyViewSchema, keyView } from './key-view.js'

const WhoamiSchema = z.object({ org_id: z.string(), key: KeyViewSchema }).meta({ id: 'Whoami' })

/**
 * `GET /api/v1/whoami`: the org and key a request acts as, for any valid key whatever its scopes
 * (or a dashboard session), so a client can say which key it holds and what it may do before it
 * tries.
 */
export function whoamiRoute(router: Router): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/whoami',
      tag: 'keys',
      // Any one scope: every valid key has at least one.
      scope: SCOPES,
      summary: 'The key’s org, name and scopes',
      description:
        'Any valid key (or a dashboard session) may ask, whatever its scopes. The key object is the one `GET /api/v1/session` shows.',
      responses: {
        200: { description: 'The org and the key', schema: WhoamiSchema },
        401: { description: 'No key, or an unknown or revoked one', schema: ErrorBodySchema },
      },
    },
    (c, { key }) => c.json({ org_id: key.org_id, key: keyView(key) }),
  )
}
