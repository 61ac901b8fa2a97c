import type { Context } from 'hono'
import { AppError } from '../app-error.js'
import type { IngestContext } from '../ingest/ingest-types.js'
import type { AppEnv } from './app-env.js'
import { readJson } from './body.js'

/**
 * The JSON body of an ingest request and everything the pipeline needs to know about the request:
 * org, client address, `Idempotency-Key` and the raw body it is checked against. Shared by every
 * surface's ingest route.
 */
export async function readIngestRequest(
  c: Context<AppEnv>,
  maxBytes: number,
): Promise<{ value: unknown; ctx: IngestContext }> {
  const idempotencyKey = c.req.header('idempotency-key')
  if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey))
    throw new AppError(
      'validation_failed',
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
    )
  const { value, text } = await readJson(c, maxBytes)
  return {
    value,
    ctx: {
      orgId: c.get('apiKey').org_id,
      ipAddress: clientAddress(c),
      idempotencyKey,
      rawBody: text,
    },
  }
}

/** The client's address (absent when the app is called in memory, as tests do). */
export function clientAddress(c: Context<AppEnv>): string | null {
  return c.env?.incoming?.socket.remoteAddress ?? null
}
