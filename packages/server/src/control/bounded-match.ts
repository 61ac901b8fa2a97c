import { Worker } from 'node:worker_threads'
import { compiledWorkerFile } from '../worker-file.js'
import type { SafePattern } from './safe-regex.js'

/**
 * Work (program instructions × characters) matched on the caller's thread: at about 50 ns per unit
 * in the worst case, well under 50 ms. Bigger texts go to the matching thread, with a time bound.
 */
const INLINE_WORK = 1_000_000
/** How long a decision waits for the matching thread to match, once it has taken the work up, before it gives up and fails closed. */
export const MATCH_TIMEOUT_MS = 1_000
/**
 * How long a decision waits for the matching thread to take the work up. The thread starts at its
 * first use and again after a timeout replaced it; its start is not the text's work, and under load
 * it alone can take longer than `MATCH_TIMEOUT_MS`, which would refuse a harmless payload.
 */
const START_TIMEOUT_MS = 10_000

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
  const shared = new SharedArrayBuffer(12)
  const slots = new Int32Array(shared)
  const thread = matcher()
  thread.postMessage({
    shared,
    patterns: patterns.map(({ source, caseInsensitive }) => ({ source, caseInsensitive })),
    text,
  })
  if (!signalled(slots, TAKEN, START_TIMEOUT_MS) || !signalled(slots, DONE, timeoutMs)) {
    worker = undefined
    void thread.terminate()
    return 'timeout'
  }
  return Atomics.load(slots, RESULT)
}

/** The slots of the shared buffer (see regex-worker.ts). */
const DONE = 0
const RESULT = 1
const TAKEN = 2

/** Waits up to `ms` for the thread to set a slot; true when it did. */
function signalled(slots: Int32Array, slot: number, ms: number): boolean {
  return Atomics.wait(slots, slot, 0, ms) !== 'timed-out' || Atomics.load(slots, slot) !== 0
}
