import type { Context } from 'hono'
import type { AppError } from '../app-error.js'

/**
 * The API dialect a route speaks. The native API is `/api/v1/...`; each reference product's paths
 * are a thin mapper onto the same pipeline (`http/surfaces/<name>/`) and answer errors in that
 * product's documented shape.
 */
export type Surface = 'native' | 'agentledger' | 'logwick' | 'agentwarden' | 'wiro'

/** Turns an AppError into the response a client of one surface expects. */
export type ErrorRenderer = (error: AppError, c: Context) => Response
