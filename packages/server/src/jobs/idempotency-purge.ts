import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { IdempotencyStore } from '../store/store.js'

/** Deletes expired `Idempotency-Key` claims once an hour. */
export function startIdempotencyPurge(store: IdempotencyStore, options: { ttlMs: number; logger: Logger }) {
  const timer = setInterval(() => {
    store.purge(Date.now() - options.ttlMs).catch((error: unknown) => options.logger.error('idempotency purge failed', errorFields(error)))
  }, 3_600_000)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
