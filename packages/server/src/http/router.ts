import type { Handler, Hono, MiddlewareHandler } from 'hono'
import type { Scope } from '../store/store.js'
import type { AppEnv } from './app-env.js'
import type { RouteSpec } from './route-spec.js'

/** Registers routes on the app and records their specs for the OpenAPI document. */
export class Router {
  readonly specs: RouteSpec[] = []

  constructor(
    private readonly app: Hono<AppEnv>,
    private readonly auth: (scope: Scope) => MiddlewareHandler<AppEnv>,
  ) {}

  add(spec: RouteSpec, handler: Handler<AppEnv>): void {
    this.specs.push(spec)
    const path = spec.path.replace(/\{(\w+)\}/g, ':$1')
    const middleware = spec.scope ? [this.auth(spec.scope)] : []
    this.app.on([spec.method.toUpperCase()], [path], ...middleware, handler)
  }
}
