import type { Context } from 'hono'
import type { AppError } from '../app-error.js'
import type { CheckService } from '../control/check-service.js'
import type { AppDeps } from './app.js'
import type { Router } from './router.js'
import type { SurfaceName } from './surfaces.js'

/**
 * The API dialect a route speaks. The native API is `/api/v1/...`; every other name is a module in
 * `SURFACES` (`http/surfaces.ts`), so adding a module there adds its name here.
 */
export type Surface = 'native' | SurfaceName

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
  routes(router: Router, deps: SurfaceDeps): void
}

/** Declares a surface module, keeping its name as a literal type for `Surface`. */
export function defineSurface<const Name extends string>(
  module: SurfaceModule<Name>,
): SurfaceModule<Name> {
  return module
}
