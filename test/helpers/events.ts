import { normalizeEvent } from '@agenttrail/protocol'
import type { NewEvent } from '@agenttrail/protocol'

/** A valid NewEvent built through the real normalizer. */
export function newEvent(fields: Record<string, unknown> = {}, now = Date.now()): NewEvent {
  const result = normalizeEvent(fields, { now })
  if (!result.ok) throw new Error(`test event invalid: ${JSON.stringify(result.issues)}`)
  return result.event
}

/** A small deterministic PRNG so seeded data sets are the same on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
