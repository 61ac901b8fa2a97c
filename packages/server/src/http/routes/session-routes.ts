import type { Context } from 'hono'
import { z } from 'zod'
import { AppError } from '../../app-error.js'
import { hasScope, hashKey } from '../../auth/api-keys.js'
import type { ApiKeyRecord, Store } from '../../store/store.js'
import type { AppEnv } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import {
  SESSION_TTL_MS,
  clearSessionCookie,
  cookieSession,
  isSecureRequest,
  newSessionSecret,
  ownOrigins,
  requireOwnOrigin,
  sessionCookie,
  setSessionCookie,
} from '../session-cookie.js'
import { KeyViewSchema, keyView } from './key-view.js'
import { strictBody } from './strict-body.js'

const SignInSchema = strictBody({
  api_key: z
    .string()
    .min(1, 'api_key must not be empty')
    .max(512)
    .describe('An API key with the `read` scope (or `admin`); it is not kept, only checked.'),
}).meta({ id: 'SignIn' })

const SessionSchema = z
  .object({
    org_id: z.string(),
    key: KeyViewSchema,
    expires_at: z.string().describe('ISO 8601: when the session ends (12 hours after sign-in).'),
    base_url: z
      .string()
      .describe('Where clients send events: `AGENTTRAIL_PUBLIC_URL`, else this request’s origin.'),
  })
  .meta({ id: 'Session' })

const COOKIE_NOTE =
  'The session is the `agenttrail_session` cookie (HttpOnly, SameSite=Strict, 12 hours); every `/api/v1` route accepts it when no key header is sent, with the key’s scopes, and a POST, PATCH or DELETE it authenticates must carry this server’s `Origin`.'

/**
 * `POST/GET/DELETE /api/v1/session`: the dashboard's sign-in. A key is exchanged for an opaque
 * cookie, so the page never keeps the key; only the cookie's SHA-256 is stored, with the key it
 * acts as, and the session dies with that key. These routes authenticate themselves (no `scope`):
 * the sign-in by the key in its body, the others by the cookie.
 */
export function sessionRoutes(router: Router, store: Store, publicUrl: string | undefined): void {
  const body = (c: Context<AppEnv>, key: ApiKeyRecord, expiresAt: number) => ({
    org_id: key.org_id,
    key: keyView(key),
    expires_at: new Date(expiresAt).toISOString(),
    base_url: publicUrl ?? ownOrigins(c, undefined)[0],
  })

  router.add(
    {
      method: 'post',
      path: '/api/v1/session',
      tag: 'session',
      summary: 'Sign in to the dashboard: exchange an API key for a session cookie',
      description: COOKIE_NOTE,
      body: SignInSchema,
      bodyBytes: 4_096,
      responses: {
        201: { description: 'Signed in; `Set-Cookie` carries the session', schema: SessionSchema },
        401: { description: 'The key is not valid or has been revoked', schema: ErrorBodySchema },
        403: {
          description: 'The key lacks the read scope, or another site made the request',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { body: input }) => {
      // A page of another site must not sign the browser in to a key of its choosing.
      if (c.req.header('origin') !== undefined) requireOwnOrigin(c, publicUrl)
      const key = await store.keys.findByHash(hashKey(input.api_key))
      if (!key) throw new AppError('unauthorized', 'the API key is not valid or has been revoked')
      if (!hasScope(key, 'read'))
        throw new AppError(
          'forbidden',
          'the dashboard needs a key with the "read" scope (or "admin"); this key has only ' +
            key.scopes.map((s) => `"${s}"`).join(', '),
        )
      const secret = newSessionSecret()
      const now = Date.now()
      const expiresAt = now + SESSION_TTL_MS
      await store.keys.insertSession({ tokenHash: hashKey(secret), keyId: key.id, expiresAt }, now)
      c.set('apiKey', key)
      setSessionCookie(c, secret, isSecureRequest(c, publicUrl))
      return c.json(body(c, key, expiresAt), 201)
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/session',
      tag: 'session',
      summary: 'The signed-in session: its org, key and expiry',
      description: COOKIE_NOTE,
      responses: {
        200: { description: 'The session', schema: SessionSchema },
        401: { description: 'No session, or it has ended', schema: ErrorBodySchema },
      },
    },
    async (c) => {
      const session = await cookieSession(c, store.keys)
      if (!session) {
        if (sessionCookie(c) !== undefined) clearSessionCookie(c, isSecureRequest(c, publicUrl))
        throw new AppError(
          'unauthorized',
          'not signed in, or the session has ended; sign in with POST /api/v1/session',
        )
      }
      c.set('apiKey', session.key)
      return c.json(body(c, session.key, session.expiresAt), 200)
    },
  )

  router.add(
    {
      method: 'delete',
      path: '/api/v1/session',
      tag: 'session',
      summary: 'Sign out: end the session and clear its cookie',
      description: 'Answers 204 also when there was no session.',
      responses: {
        204: { description: 'Signed out' },
        403: { description: 'Another site made the request', schema: ErrorBodySchema },
      },
    },
    async (c) => {
      const secret = sessionCookie(c)
      if (secret !== undefined) {
        requireOwnOrigin(c, publicUrl)
        await store.keys.deleteSession(hashKey(secret))
      }
      clearSessionCookie(c, isSecureRequest(c, publicUrl))
      return c.body(null, 204)
    },
  )
}
