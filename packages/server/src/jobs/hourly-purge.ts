import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { ControlStore } from '../store/control-store.js'
import type { IdempotencyStore } from '../store/store.js'

/**
 * Once an hour: deletes expired `Idempotency-Key` claims, and the control plane's rate-window
 * entries and permits that no decision can use any more.
 */
export function startHourlyPurge(
  store: { idempotency: IdempotencyStore; control: ControlStore },
  options: { ttlMs: number; logger: Logger },
) {
  const timer = setInterval(() => {
    const now = Date.now()
    store.idempotency
      .purge(now - options.ttlMs)
      .catch((error: unknown) =>
        options.logger.error('idempotency purge failed', errorFields(error)),
      )
    store.control
      .purge(now)
      .catch((error: unknown) => options.logger.error('control purge failed', errorFields(error)))
  }, 3_600_000)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
