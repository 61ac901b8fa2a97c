import { Worker } from 'node:worker_threads'
import { compiledWorkerFile } from '../../worker-file.js'
import type Database from 'better-sqlite3'
import { createSqliteWrites } from './sqlite-writes.js'
import type { SqliteWrites, WriteOp } from './sqlite-writes.js'

type Async<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never
}

/** The store's writes, asynchronous whichever thread runs them. */
export interface SqliteWriter extends Async<SqliteWrites> {
  close(): Promise<void>
}

/** Writes on the caller's thread: for `:memory:` databases, which a second thread cannot open. */
export function inlineWriter(db: Database.Database): SqliteWriter {
  const writes = createSqliteWrites(db)
  const wrapped = Object.fromEntries(
    Object.entries(writes).map(([name, fn]) => [
      name,
      (...args: unknown[]) => Promise.resolve((fn as (...a: unknown[]) => unknown)(...args)),
    ]),
  ) as unknown as Async<SqliteWrites>
  return { ...wrapped, close: async () => {} }
}

/**
 * Writes in a worker thread with its own connection. The event loop never waits for a commit or
 * its fsync, so requests keep arriving, and queueing, while a transaction is on its way to disk.
 */
export function threadWriter(path: string): SqliteWriter {
  const worker = new Worker(
    compiledWorkerFile(new URL('./sqlite-writer-worker.js', import.meta.url)),
    { workerData: { path } },
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
  // Every write op by name: sqlite-writes.ts is the one list, so a new write needs no edit here.
  return new Proxy({} as SqliteWriter, {
    get: (_, op) => {
      if (op === 'close') return close
      if (typeof op !== 'string' || op === 'then') return undefined
      return (...args: unknown[]) => call(op as WriteOp, args)
    },
  })
}
