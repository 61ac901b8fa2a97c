import { parentPort, workerData } from 'node:worker_threads'
import { openSqliteDb } from './sqlite-db.js'
import { createSqliteWrites } from './sqlite-writes.js'
import type { WriteOp } from './sqlite-writes.js'

/** The writer thread: one connection, one write at a time, answered by message id. */
const db = openSqliteDb((workerData as { path: string }).path)
const writes = createSqliteWrites(db)
const port = parentPort
if (!port) throw new Error('sqlite-writer-worker must run as a worker thread')

port.on('message', (message: { id: number; op: WriteOp | 'close'; args: unknown[] }) => {
  if (message.op === 'close') {
    db.close()
    port.postMessage({ id: message.id, ok: true })
    port.close()
    return
  }
  try {
    const fn = writes[message.op] as (...args: unknown[]) => unknown
    port.postMessage({ id: message.id, ok: true, result: fn(...message.args) })
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error))
    port.postMessage({ id: message.id, ok: false, error: { name: e.name, message: e.message } })
  }
})
