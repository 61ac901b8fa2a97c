import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { ControlStore } from '../store/control-store.js'
import type { NotifyStore } from '../store/notify-store.js'
import type { IdempotencyStore } from '../store/store.js'

/** How long finished deliveries and their attempts stay in the delivery log. */
export const DELIVERY_LOG_MS = 30 * 86_400_000

/**
 * Once an hour: deletes expired `Idempotency-Key` claims, the control plane's rate-window entries
 * and permits that no decision can use any more, and finished deliveries older than 30 days.
 */
export function startHourlyPurge(
  store: { idempotency: IdempotencyStore; control: ControlStore; notify: NotifyStore },
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
    store.notify
      .purge(now - DELIVERY_LOG_MS)
      .catch((error: unknown) =>
        options.logger.error('delivery log purge failed', errorFields(error)),
      )
  }, 3_600_000)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
