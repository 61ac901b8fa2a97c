import { parentPort, workerData } from 'node:worker_threads'
import type { Enforcement } from '../../control/enforcement.js'
import { openSqliteDb } from './sqlite-db.js'
import { createSqliteWrites } from './sqlite-writes.js'
import type { WriteOp } from './sqlite-writes.js'

const data = workerData as { path: string; enforcement: string; log: boolean }
/**
 * The enforcement step, from the module the store's options named (`Enforcement.module`): the
 * thread imports it itself, because functions cannot be sent to it. Messages sent meanwhile wait in
 * the port's queue until the listener below is attached.
 */
const enforce = ((await import(data.enforcement)) as { enforcement?: Enforcement }).enforcement
if (typeof enforce?.event !== 'function' || typeof enforce.check !== 'function')
  throw new Error('sqlite-writer-worker: the enforcement module exports no `enforcement`')

/** The writer thread: one connection, one write at a time, answered by message id. */
const db = openSqliteDb(data.path)
const writes = createSqliteWrites(db, enforce, data.log)
const port = parentPort
if (!port) throw new Error('sqlite-writer-worker must run as a worker thread')

/**
 * Derived data (rollups, full-text index) keeps pace with ingest. Each append adds three times its
 * own time to a budget that small catch-up steps spend when the thread has nothing else to do
 * (setImmediate), so answers to appends never wait for indexing. When ingest outruns that (sustained
 * batch ingest keeps the message queue full), the backlog grows; past MAX_BACKLOG events the writer
 * catches up right after answering an append, before taking the next one, which slows ingest down to
 * what indexing can follow and keeps the index at most a few seconds behind.
 */
const MAX_BACKLOG = 2_000
let budgetMs = 0
let scheduled = false
let closed = false

/**
 * One step: a transaction of rollups and one of indexing, about 2 ms when small (idle turns, where an
 * append may arrive at any moment) and about 10 ms when large (catching up). False when both are done.
 */
function step(size: 'small' | 'large'): boolean {
  const started = performance.now()
  let more = false
  try {
    more = writes.rollDue(size === 'small' ? 200 : 1_000) > 0
    more = writes.indexPending(size === 'small' ? 50 : 250) > 0 || more
  } catch {
    // Left for the periodic catch-up job, which reports failures.
  }
  budgetMs -= performance.now() - started
  return more
}

function idleCatchUp(): void {
  scheduled = false
  if (closed) return
  const sliceEnd = performance.now() + 3
  let more = true
  while (more && budgetMs > 0 && performance.now() < sliceEnd) more = step('small')
  if (more && budgetMs > 0) schedule()
}

function schedule(): void {
  if (scheduled) return
  scheduled = true
  setImmediate(idleCatchUp)
}

function afterAppend(appendMs: number): void {
  budgetMs = Math.min(budgetMs + 3 * appendMs, 1_000)
  if (writes.backlog() > MAX_BACKLOG) while (writes.backlog() > MAX_BACKLOG / 2 && step('large'));
  schedule()
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
    try {
      // The rollups folded in memory: written now, they need not be redone from the events.
      writes.rollPending(0)
    } catch {
      // Redone from the cursor at the next start.
    }
    db.close()
    port.postMessage({ id: message.id, ok: true })
    port.close()
    return
  }
  try {
    const fn = writes[message.op] as (...args: unknown[]) => unknown
    const started = performance.now()
    port.postMessage({ id: message.id, ok: true, result: fn(...message.args) })
    if (message.op === 'append') afterAppend(performance.now() - started)
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error))
    const { code } = e as { code?: unknown }
    port.postMessage({
      id: message.id,
      ok: false,
      error: { name: e.name, message: e.message, code },
    })
  }
})
