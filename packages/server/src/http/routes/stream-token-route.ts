import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { hashKey } from '../../auth/api-keys.js'
import type { Store } from '../../store/store.js'
import type { Router } from '../router.js'

/** How long a stream token opens streams. 5 minutes, in ms. */
export const STREAM_TOKEN_TTL_MS = 5 * 60_000

const StreamTokenSchema = z
  .object({
    token: z.string().describe('Pass as `?token=` to `GET /api/v1/stream`.'),
    expires_at: z.string().describe('ISO 8601; streams opened before it keep running.'),
  })
  .meta({ id: 'StreamToken' })

/**
 * `POST /api/v1/stream/token`: a short-lived token for clients that cannot send headers (a
 * browser's EventSource), so the key itself never goes into a URL. Only its SHA-256 is stored,
 * with the key and the expiry, so any server on the same database accepts it; it dies with its key.
 */
export function streamTokenRoute(router: Router, store: Store): void {
  router.add(
    {
      method: 'post',
      path: '/api/v1/stream/token',
      tag: 'events',
      scope: 'read',
      summary: 'A 5-minute token that opens live streams as this key (`?token=`)',
      responses: { 201: { description: 'The token', schema: StreamTokenSchema } },
    },
    async (c, { key }) => {
      const token = `st_${randomBytes(32).toString('base64url')}`
      const now = Date.now()
      const expiresAt = now + STREAM_TOKEN_TTL_MS
      await store.keys.insertStreamToken(
        { tokenHash: hashKey(token), keyId: key.id, expiresAt },
        now,
      )
      return c.json({ token, expires_at: new Date(expiresAt).toISOString() }, 201)
    },
  )
}
