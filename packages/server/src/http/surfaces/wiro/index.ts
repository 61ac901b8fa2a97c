import { defineSurface } from '../../surface.js'
import { renderWiroError } from './wiro-errors.js'
import { WiroErrorSchema } from './wiro-schemas.js'
import { wiroRoutes } from './wiro-routes.js'

/** Wiro agent logs (shared/reference/003) under `/v1`: the activity feed, its days and its ingest. */
export const wiroSurface = defineSurface({
  name: 'wiro',
  renderError: renderWiroError,
  errorSchema: WiroErrorSchema,
  routes: wiroRoutes,
})
