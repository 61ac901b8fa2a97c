import { agentLedgerSurface } from './surfaces/agentledger/index.js'
import { agentWardenSurface } from './surfaces/agentwarden/index.js'
import { logwickSurface } from './surfaces/logwick/index.js'
import { otlpSurface } from './surfaces/otlp/index.js'
import { wiroSurface } from './surfaces/wiro/index.js'

/**
 * Every compatibility surface, mounted by `createApp` after the native API in this order. A new
 * surface is one folder under `surfaces/`, one entry here and one row in the surface contract
 * (`test/helpers/ingest-paths.ts`).
 */
export const SURFACES = [
  agentLedgerSurface,
  logwickSurface,
  agentWardenSurface,
  wiroSurface,
  otlpSurface,
] as const

/**
 * The API dialect a route speaks: `native` (`/api/v1/...`) or the name of a module in `SURFACES`,
 * so adding a module adds its name. Code below this list (route specs, the error handler) holds the
 * name as a string, since the surfaces import it; `mountSurfaces` checks each route's name.
 */
export type Surface = 'native' | (typeof SURFACES)[number]['name']
