import { randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { AppError } from '../app-error.js'
import { hashKey } from '../auth/api-keys.js'
import type { KeyStore, SessionRecord } from '../store/store.js'

/** The name of the dashboard's session cookie. */
export const SESSION_COOKIE = 'agenttrail_session'

/** How long a dashboard session lasts from sign-in. 12 hours, in ms. */
export const SESSION_TTL_MS = 12 * 3_600_000

/** Methods that change state: authenticated by the cookie, they must come from our own origin. */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** A new opaque session secret (256 random bits); only its SHA-256 is stored. */
export function newSessionSecret(): string {
  return `ses_${randomBytes(32).toString('base64url')}`
}

/** The session the request's cookie names, while it and its key are live; undefined otherwise. */
export async function cookieSession(
  c: Context,
  keys: KeyStore,
): Promise<SessionRecord | undefined> {
  const secret = sessionCookie(c)
  return secret === undefined ? undefined : keys.findSession(hashKey(secret), Date.now())
}

/** The session cookie's value, when the request carries one. */
export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined
}

/** True for POST, PUT, PATCH and DELETE. */
export function isUnsafeMethod(method: string): boolean {
  return UNSAFE_METHODS.has(method.toUpperCase())
}

/**
 * The origins this server answers as: the request's own (its scheme and `Host`) and, when set,
 * `AGENTTRAIL_PUBLIC_URL`'s, which is how a server behind a TLS-terminating proxy learns that its
 * pages are `https://` without trusting a forwarded header.
 */
export function ownOrigins(c: Context, publicUrl: string | undefined): string[] {
  const origins = [new URL(c.req.url).origin]
  if (publicUrl) origins.push(new URL(publicUrl).origin)
  return origins
}

/**
 * Refuses a cookie-authenticated state change that does not come from one of our own pages:
 * browsers send `Origin` with every cross-origin request and with same-origin POST, PUT, PATCH and
 * DELETE, so a missing or foreign `Origin` is a request another site made (cross-site request
 * forgery) or a client that should send its key instead.
 */
export function requireOwnOrigin(c: Context, publicUrl: string | undefined): void {
  const origin = c.req.header('origin')
  if (origin === undefined)
    throw new AppError(
      'forbidden',
      'a request authenticated by the session cookie that changes state must carry an Origin header naming this server; other clients send their API key instead',
    )
  if (!ownOrigins(c, publicUrl).includes(origin))
    throw new AppError(
      'forbidden',
      'the Origin of this request is not this server; the session cookie only acts for pages this server serves',
    )
}

/**
 * Whether the cookie is marked `Secure`: the request came over https, or `AGENTTRAIL_PUBLIC_URL`
 * is https and the request was made for that host (a browser page served there). Forwarded headers
 * such as `X-Forwarded-Proto` are not trusted: any client can send them.
 */
export function isSecureRequest(c: Context, publicUrl: string | undefined): boolean {
  const url = new URL(c.req.url)
  if (url.protocol === 'https:') return true
  if (!publicUrl) return false
  const pub = new URL(publicUrl)
  return (
    pub.protocol === 'https:' && (url.host === pub.host || c.req.header('origin') === pub.origin)
  )
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, the whole site, for the session's life. */
export function setSessionCookie(c: Context, secret: string, secure: boolean): void {
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
    secure,
  })
}

/** Tells the browser to forget the session cookie (same attributes, Max-Age=0). */
export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, sameSite: 'Strict', path: '/', secure })
}
