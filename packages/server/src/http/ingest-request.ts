import type { Context } from 'hono'
import { AppError } from '../app-error.js'
import type { AppEnv } from './app-env.js'

/**
 * The `Idempotency-Key` header of an ingest request (routes declared `idempotent`), checked: 1 to
 * 255 visible ASCII characters. The router hands it to the pipeline with the raw body it is
 * checked against.
 */
export function idempotencyKey(c: Context<AppEnv>): string | undefined {
  const key = c.req.header('idempotency-key')
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key))
    throw new AppError(
      'validation_failed',
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
    )
  return key
}

/** The client's address (absent when the app is called in memory, as tests do). */
export function clientAddress(c: Context<AppEnv>): string | null {
  return c.env?.incoming?.socket.remoteAddress ?? null
}
