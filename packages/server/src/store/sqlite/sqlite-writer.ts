import { Worker } from 'node:worker_threads'
import { compiledWorkerFile } from '../../worker-file.js'
import type Database from 'better-sqlite3'
import type { Enforcement } from '../../control/enforcement.js'
import { createSqliteWrites } from './sqlite-writes.js'
import type { SqliteWrites, WriteOp } from './sqlite-writes.js'

type Async<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never
}

/** The store's writes, asynchronous whichever thread runs them. */
export interface SqliteWriter extends Async<SqliteWrites> {
  close(): Promise<void>
}

/**
 * Every write op by name, grouped as sqlite-writes.ts composes them. Typed from `SqliteWrites`: a
 * write added there and missing here, or a name here that is not a write, fails to compile.
 */
const WRITE_OPS = {
  // sqlite-org-writes.ts
  reserveUsage: true,
  releaseUsage: true,
  updateOrgSettings: true,
  // sqlite-erase.ts, sqlite-agent-writes.ts
  eraseEvents: true,
  registerAgent: true,
  // sqlite-control-writes.ts
  controlCheck: true,
  setAgentStatus: true,
  createPolicy: true,
  updatePolicy: true,
  deletePolicy: true,
  putBudget: true,
  updateBudget: true,
  deleteBudget: true,
  resetBudget: true,
  decideApproval: true,
  purgeControl: true,
  acknowledgeAlerts: true,
  // sqlite-notify-writes.ts
  createSubscription: true,
  updateSubscription: true,
  deleteSubscription: true,
  fanOut: true,
  claimDeliveries: true,
  settleDeliveries: true,
  enqueueDelivery: true,
  redeliver: true,
  purgeDeliveries: true,
  // sqlite-alert-writes.ts
  ensureAlertRules: true,
  createAlertRule: true,
  updateAlertRule: true,
  deleteAlertRule: true,
  applyAlerts: true,
  // sqlite-evaluations.ts
  createEvaluation: true,
  // sqlite-session-writes.ts
  insertSession: true,
  deleteSession: true,
  // sqlite-x402.ts
  putX402Offer: true,
  deleteX402Offer: true,
  reserveX402Payment: true,
  settleX402Payment: true,
  releaseX402Payment: true,
  refuseX402Payment: true,
  // sqlite-log-checkpoints.ts
  adoptLogKey: true,
  rotateLogKey: true,
  appendCheckpoints: true,
  // sqlite-writes.ts
  append: true,
  indexPending: true,
  rollPending: true,
  rollDue: true,
  backlog: true,
  claim: true,
  purgeClaims: true,
  ensureOrg: true,
  insertKey: true,
  revokeKey: true,
  touchKey: true,
  insertStreamToken: true,
  checkpointIfLarge: true,
} as const satisfies Record<WriteOp, true>

/** The writer's methods: `run(op, args)` for each op of the table, and nothing else. */
function writerOf(run: (op: WriteOp, args: unknown[]) => Promise<unknown>): Async<SqliteWrites> {
  const ops = Object.keys(WRITE_OPS) as WriteOp[]
  return Object.fromEntries(
    ops.map((op) => [op, (...args: unknown[]) => run(op, args)]),
  ) as unknown as Async<SqliteWrites>
}

/** Writes on the caller's thread: for `:memory:` databases, which a second thread cannot open. */
export function inlineWriter(
  db: Database.Database,
  enforce: Enforcement,
  log = true,
): SqliteWriter {
  const writes = createSqliteWrites(db, enforce, log)
  const run = (op: WriteOp, args: unknown[]) =>
    Promise.resolve((writes[op] as (...a: unknown[]) => unknown)(...args))
  return { ...writerOf(run), close: async () => {} }
}

/**
 * Writes in a worker thread with its own connection. The event loop never waits for a commit or
 * its fsync, so requests keep arriving, and queueing, while a transaction is on its way to disk.
 * The thread imports the enforcement step from `enforce.module` (functions do not cross threads).
 */
export function threadWriter(path: string, enforce: Enforcement, log = true): SqliteWriter {
  const worker = new Worker(
    compiledWorkerFile(new URL('./sqlite-writer-worker.js', import.meta.url)),
    { workerData: { path, enforcement: enforce.module, log } },
  )
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 0
  let failure: Error | undefined
  worker.on(
    'message',
    (m: {
      id: number
      ok: boolean
      result?: unknown
      error?: { name: string; message: string; code?: unknown }
    }) => {
      const p = pending.get(m.id)
      pending.delete(m.id)
      if (!p) return
      if (m.ok) p.resolve(m.result)
      else
        p.reject(
          Object.assign(new Error(m.error?.message), {
            name: m.error?.name ?? 'Error',
            // The driver's code (SQLITE_*), which a StoreError keeps instead of the message.
            ...(m.error?.code === undefined ? {} : { code: m.error.code }),
          }),
        )
    },
  )
  const failAll = (error: Error) => {
    failure ??= error
    for (const p of pending.values()) p.reject(error)
    pending.clear()
  }
  worker.on('error', failAll)
  worker.on('exit', (code) => failAll(new Error(`the SQLite writer thread exited (code ${code})`)))
  const call = (op: WriteOp | 'close', args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (failure) return reject(failure)
      const id = nextId++
      pending.set(id, { resolve, reject })
      worker.postMessage({ id, op, args })
    })
  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      if (!failure) await call('close', [])
      await worker.terminate()
    })())
  return { ...writerOf(call), close }
}
