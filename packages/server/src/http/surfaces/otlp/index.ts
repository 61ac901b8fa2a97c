import { defineSurface } from '../../surface.js'
import { OTLP_MEDIA_TYPES, OtlpStatusSchema, renderOtlpError } from './otlp-errors.js'
import { otlpRoutes } from './otlp-routes.js'

/**
 * OpenTelemetry's OTLP/HTTP receiver (`/v1/traces`, `/v1/logs`): any instrumented agent's exporter
 * pointed at the server. Errors are `google.rpc.Status`, in the request's encoding.
 */
export const otlpSurface = defineSurface({
  name: 'otlp',
  renderError: renderOtlpError,
  errorSchema: OtlpStatusSchema,
  errorContentTypes: OTLP_MEDIA_TYPES,
  routes: (router, deps) => otlpRoutes(router, deps.ingest),
})
