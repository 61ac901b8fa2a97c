import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { EventStore } from '../store/store.js'

/** Events per rollup transaction when read back from the events (SQLite writes its in-memory fold whole). */
const ROLL_CHUNK = 5_000
/** Events per indexing transaction: indexing text costs several times the row insert. */
const INDEX_CHUNK = 500

/**
 * Keeps derived data behind ingest by a couple of seconds at most: every `intervalMs` it folds new
 * events into the rollups and the full-text index, in chunks, until both have caught up. Both run
 * in the store's writer, between appends; queries add what they have not reached yet, so answers
 * are complete either way.
 */
export function startCatchUp(
  events: Pick<EventStore, 'indexPending' | 'rollPending'>,
  options: { intervalMs: number; logger: Logger },
) {
  let stopped = false
  let running: Promise<void> | undefined
  const run = async () => {
    try {
      let rolled = ROLL_CHUNK
      let indexed = INDEX_CHUNK
      while (!stopped && (rolled === ROLL_CHUNK || indexed === INDEX_CHUNK)) {
        if (rolled === ROLL_CHUNK) rolled = await events.rollPending(ROLL_CHUNK)
        if (indexed === INDEX_CHUNK) indexed = await events.indexPending(INDEX_CHUNK)
      }
    } catch (error) {
      options.logger.error('catching up rollups and the full-text index failed', errorFields(error))
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
