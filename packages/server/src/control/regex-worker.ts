import { parentPort } from 'node:worker_threads'
import { compileSafePattern } from './safe-regex.js'
import type { PatternSpec, SafePattern } from './safe-regex.js'

/**
 * Matches patterns against a text for `bounded-match.ts`, in a thread of its own so that the caller
 * can stop waiting (and terminate this thread) when the work takes longer than its bound. Answers
 * through the shared buffer: slot 2 turns 1 when this thread takes the work up (the caller's time
 * bound starts there, not at this thread's start), slot 1 holds the index of the first pattern found
 * (-1 for none), and slot 0 turns 1 when the answer is there.
 */
const compiled = new Map<string, SafePattern>()

parentPort?.on(
  'message',
  (m: { shared: SharedArrayBuffer; patterns: PatternSpec[]; text: string }) => {
    const slots = new Int32Array(m.shared)
    Atomics.store(slots, 2, 1)
    Atomics.notify(slots, 2)
    let hit = -1
    for (const [i, spec] of m.patterns.entries()) {
      const key = `${spec.caseInsensitive ? 'i' : '-'}${spec.source}`
      let pattern = compiled.get(key)
      if (!pattern)
        compiled.set(key, (pattern = compileSafePattern(spec.source, spec.caseInsensitive)))
      if (pattern.test(m.text)) {
        hit = i
        break
      }
    }
    Atomics.store(slots, 1, hit)
    Atomics.store(slots, 0, 1)
    Atomics.notify(slots, 0)
  },
)
