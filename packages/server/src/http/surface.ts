import type { Context } from 'hono'
import type { z } from 'zod'
import type { AppError } from '../app-error.js'
import type { CheckService } from '../ingest/check-service.js'
import type { AppDeps } from './app-env.js'
import type { Router } from './router.js'

/** Turns an AppError into the response a client of one surface expects. */
export type ErrorRenderer = (error: AppError, c: Context) => Response

/** What a surface's routes may use: the app's dependencies and the one check service. */
export interface SurfaceDeps extends AppDeps {
  check: CheckService
}

/**
 * A compatibility surface: one reference product's paths, mapped onto the native pipeline
 * (`http/surfaces/<name>/`). Its routes declare `surface: name`, so their errors are rendered by
 * `renderError` (absent: the native body).
 */
export interface SurfaceModule<Name extends string = string> {
  readonly name: Name
  readonly renderError?: ErrorRenderer
  /** The body `renderError` answers (absent: the native body), declared on every route's errors. */
  readonly errorSchema?: z.ZodType
  /** The media types `renderError` answers in (absent: JSON alone). */
  readonly errorContentTypes?: readonly string[]
  routes(router: Router, deps: SurfaceDeps): void
}

/** Declares a surface module, keeping its name as a literal type for `Surface`. */
export function defineSurface<const Name extends string>(
  module: SurfaceModule<Name>,
): SurfaceModule<Name> {
  return module
}

/**
 * Registers each module's routes, in order, and holds every route to its module: a route that
 * declares another surface (or none) would answer errors in the wrong shape, so it stops the start.
 */
export function mountSurfaces(
  router: Router,
  modules: readonly SurfaceModule[],
  deps: SurfaceDeps,
): void {
  for (const module of modules) {
    const before = router.specs.length
    module.routes(router, deps)
    for (const spec of router.specs.slice(before))
      if (spec.surface !== module.name)
        throw new Error(
          `${spec.method.toUpperCase()} ${spec.path} is mounted by surface ${module.name} but declares ${spec.surface ?? 'native'}`,
        )
  }
}

/** Each module's error renderer by name; a surface without one answers the native body. */
export function surfaceRenderers<M extends SurfaceModule>(
  modules: readonly M[],
): Partial<Record<M['name'], ErrorRenderer>> {
  const renderers: Partial<Record<M['name'], ErrorRenderer>> = {}
  for (const m of modules) if (m.renderError) renderers[m.name as M['name']] = m.renderError
  return renderers
}
