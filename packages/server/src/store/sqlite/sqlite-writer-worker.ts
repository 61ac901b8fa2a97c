import { parentPort, workerData } from 'node:worker_threads'
import { openSqliteDb } from './sqlite-db.js'
import { createSqliteWrites } from './sqlite-writes.js'
import type { WriteOp } from './sqlite-writes.js'

/** The writer thread: one connection, one write at a time, answered by message id. */
const db = openSqliteDb((workerData as { path: string }).path)
const writes = createSqliteWrites(db)
const port = parentPort
if (!port) throw new Error('sqlite-writer-worker must run as a worker thread')

/**
 * Derived data (rollups, full-text index) keeps pace with ingest: each append adds twice its own
 * time to a budget, which small catch-up slices spend between messages. Slices run from
 * setImmediate, so appends that arrive meanwhile are taken first and their answers never wait for
 * indexing; under sustained load, ingest and indexing share the thread and the lag stays bounded.
 */
let budgetMs = 0
let scheduled = false
let closed = false
function catchUpSlice(): void {
  scheduled = false
  if (closed) return
  const started = performance.now()
  let more = false
  try {
    more = writes.rollPending(1_000) > 0
    more = writes.indexPending(100) > 0 || more
  } catch {
    // Left for the periodic catch-up job, which reports failures.
  }
  budgetMs -= performance.now() - started
  if (more && budgetMs > 0) schedule()
}
function schedule(): void {
  if (scheduled) return
  scheduled = true
  setImmediate(catchUpSlice)
}

// Keep the write-ahead log from growing without bound when readers rarely leave it idle.
const checkpoints = setInterval(() => {
  try {
    writes.checkpointIfLarge()
  } catch {
    // Readers were busy; the next round retries.
  }
}, 5_000)
checkpoints.unref()

port.on('message', (message: { id: number; op: WriteOp | 'close'; args: unknown[] }) => {
  if (message.op === 'close') {
    closed = true
    clearInterval(checkpoints)
    db.close()
    port.postMessage({ id: message.id, ok: true })
    port.close()
    return
  }
  try {
    const fn = writes[message.op] as (...args: unknown[]) => unknown
    const started = performance.now()
    port.postMessage({ id: message.id, ok: true, result: fn(...message.args) })
    if (message.op === 'append') {
      budgetMs = Math.min(budgetMs + 2 * (performance.now() - started), 1_000)
      schedule()
    }
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error))
    port.postMessage({ id: message.id, ok: false, error: { name: e.name, message: e.message } })
  }
})
