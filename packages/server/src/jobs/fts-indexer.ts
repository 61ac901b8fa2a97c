import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { EventStore } from '../store/store.js'

/** Events per indexing transaction: small enough to hold the event loop for only a few ms. */
const CHUNK = 500

/**
 * Keeps the full-text index behind ingest by at most about two seconds: every `intervalMs` it
 * indexes new events in chunks, yielding to the event loop between chunks so that acknowledgements
 * are never held up for long.
 */
export function startFtsIndexer(events: Pick<EventStore, 'indexPending'>, options: { intervalMs: number; logger: Logger }) {
  let stopped = false
  let running: Promise<void> | undefined
  const run = async () => {
    try {
      while (!stopped && (await events.indexPending(CHUNK)) === CHUNK) {
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    } catch (error) {
      options.logger.error('full-text indexing failed', errorFields(error))
    } finally {
      running = undefined
    }
  }
  const timer = setInterval(() => {
    running ??= run()
  }, options.intervalMs)
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
