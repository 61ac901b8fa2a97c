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
 * After answering an append, spend up to twice its time on derived data (rollups, full-text index),
 * so they keep pace with ingest however hard it runs. The answer has already gone out; the next
 * append waits, which is the real cost of indexing and what keeps the index lag bounded.
 */
function keepPace(appendMs: number): void {
  const deadline = performance.now() + Math.max(2, 2 * appendMs)
  while (performance.now() < deadline) {
    const rolled = writes.rollPending(1_000)
    const indexed = writes.indexPending(200)
    if (rolled === 0 && indexed === 0) return
  }
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
    if (message.op === 'append') keepPace(performance.now() - started)
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error))
    port.postMessage({ id: message.id, ok: false, error: { name: e.name, message: e.message } })
  }
})
