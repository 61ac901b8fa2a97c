import { agentLedgerSurface } from './surfaces/agentledger/index.js'
import { agentWardenSurface } from './surfaces/agentwarden/index.js'
import { logwickSurface } from './surfaces/logwick/index.js'
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
] as const

/** The names of the compatibility surfaces. */
export type SurfaceName = (typeof SURFACES)[number]['name']
