import type { Context, Hono, MiddlewareHandler } from 'hono'
import type { Scope } from '../store/store.js'
import type { AppEnv } from './app-env.js'
import { createHash } from 'node:crypto'
import { readBytes, readJson } from './body.js'
import { clientAddress, idempotencyKey } from './ingest-request.js'
import {
  DEFAULT_BODY_BYTES,
  isBytesBody,
  isRawBody,
  parseBody,
  parseParams,
  parseQuery,
} from './route-spec.js'
import type { RouteInput, RouteSpec } from './route-spec.js'
import { urlGuard } from './middleware/url-guard.js'

/** A route's handler: the context and the input its spec declares, already validated. */
export type RouteHandler<S extends RouteSpec> = (
  c: Context<AppEnv>,
  input: RouteInput<S>,
) => Response | Promise<Response>

/**
 * Registers routes on the app and records their specs for the OpenAPI document. Each route's
 * spec is applied before its handler runs: the surface (for the error shape), the key's scope,
 * then the params, query and body schemas. Every failure is an AppError, rendered in one place.
 */
export class Router {
  readonly specs: RouteSpec[] = []

  constructor(
    private readonly app: Hono<AppEnv>,
    private readonly auth: (scope: Scope | readonly Scope[]) => MiddlewareHandler<AppEnv>,
  ) {}

  add<const S extends RouteSpec>(spec: S, handler: RouteHandler<S>): void {
    for (const [, name] of spec.path.matchAll(/\{(\w+)\}/g))
      if (!name || !spec.params?.shape[name])
        throw new Error(
          `${spec.method} ${spec.path} must declare its path parameter ${name} in params`,
        )
    this.specs.push(spec)
    const path = spec.path.replace(/\{(\w+)\}/g, ':$1')
    const surface = spec.surface ?? 'native'
    const setSurface: MiddlewareHandler<AppEnv> = async (c, next) => {
      c.set('surface', surface)
      await next()
    }
    const middleware = spec.scope
      ? [setSurface, urlGuard, this.auth(spec.scope)]
      : [setSurface, urlGuard]
    this.app.on([spec.method.toUpperCase()], [path], ...middleware, async (c) =>
      handler(c, (await readInput(spec, c)) as RouteInput<S>),
    )
  }
}

/** The request's params, query and body, parsed as the spec declares. */
async function readInput(spec: RouteSpec, c: Context<AppEnv>): Promise<RouteInput<RouteSpec>> {
  const params = spec.params ? parseParams(spec.params, c.req.param()) : {}
  const query = spec.query ? parseQuery(spec.query, c) : {}
  const idempotency = spec.idempotent ? idempotencyKey(c) : undefined
  let body: unknown
  let text = ''
  // What an Idempotency-Key is checked against: the text, or for bytes their type and hash.
  let sent = ''
  if (spec.body && isBytesBody(spec.body)) {
    const read = await readBytes(c, spec.bodyBytes ?? DEFAULT_BODY_BYTES, spec.body.contentTypes)
    body = read
    if (idempotency !== undefined)
      sent = `${read.type} ${createHash('sha256').update(read.bytes).digest('hex')}`
  } else if (spec.body) {
    const read = await readJson(c, spec.bodyBytes ?? DEFAULT_BODY_BYTES)
    text = sent = read.text
    body = isRawBody(spec.body) ? read.value : parseBody(spec.body, read.value)
  }
  const key = spec.scope ? c.get('apiKey') : undefined
  const ingest =
    spec.idempotent && key
      ? {
          orgId: key.org_id,
          ipAddress: clientAddress(c),
          idempotencyKey: idempotency,
          rawBody: sent,
        }
      : undefined
  return { params, query, body, text, key, ingest } as RouteInput<RouteSpec>
}
