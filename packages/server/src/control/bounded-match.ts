import { Worker } from 'node:worker_threads'
import { compiledWorkerFile } from '../worker-file.js'
import type { SafePattern } from './safe-regex.js'

/**
 * Work (program instructions × characters) matched on the caller's thread: at about 50 ns per unit
 * in the worst case, well under 50 ms. Bigger texts go to the matching thread, with a time bound.
 */
const INLINE_WORK = 1_000_000
/** How long a decision waits for the matching thread (started at its first use) before it gives up and fails closed. */
export const MATCH_TIMEOUT_MS = 1_000

let worker: Worker | undefined

function matcher(): Worker {
  if (!worker) {
    worker = new Worker(compiledWorkerFile(new URL('./regex-worker.js', import.meta.url)))
    worker.unref()
    worker.on('error', () => (worker = undefined))
  }
  return worker
}

/**
 * The index of the first pattern that occurs in `text`, -1 for none, or `timeout` when finding out
 * took longer than `MATCH_TIMEOUT_MS`. Matching is linear (RE2), but a large text against large
 * programs can still take seconds: that work runs in a thread of its own, and the caller waits for
 * it synchronously (decisions run inside a transaction) with a hard bound, after which the thread is
 * terminated and replaced.
 */
export function findPattern(
  patterns: readonly SafePattern[],
  text: string,
  timeoutMs = MATCH_TIMEOUT_MS,
): number | 'timeout' {
  const work = patterns.reduce((n, p) => n + p.size, 0) * text.length
  if (work <= INLINE_WORK) return patterns.findIndex((p) => p.test(text))
  const shared = new SharedArrayBuffer(8)
  const slots = new Int32Array(shared)
  const thread = matcher()
  thread.postMessage({
    shared,
    patterns: patterns.map(({ source, caseInsensitive }) => ({ source, caseInsensitive })),
    text,
  })
  if (Atomics.wait(slots, 0, 0, timeoutMs) === 'timed-out' && Atomics.load(slots, 0) === 0) {
    worker = undefined
    void thread.terminate()
    return 'timeout'
  }
  return Atomics.load(slots, 1)
}
