import type { Handler, Hono, MiddlewareHandler } from 'hono'
import type { Scope } from '../store/store.js'
import type { AppEnv } from './app-env.js'
import type { RouteSpec } from './route-spec.js'
import { urlGuard } from './middleware/url-guard.js'

/** Registers routes on the app and records their specs for the OpenAPI document. */
export class Router {
  readonly specs: RouteSpec[] = []

  constructor(
    private readonly app: Hono<AppEnv>,
    private readonly auth: (scope: Scope | readonly Scope[]) => MiddlewareHandler<AppEnv>,
  ) {}

  add(spec: RouteSpec, handler: Handler<AppEnv>): void {
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
    this.app.on([spec.method.toUpperCase()], [path], ...middleware, handler)
  }
}
