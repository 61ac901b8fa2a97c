/** A seeded generator of numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number

/** One synthetic event of about 1 KB, as a client sends it, timed within `spanMs` before `now`. */
export function makeEvent(rand: () => number, now: number, spanMs: number): Record<string, unknown>

export const COMMON_WORD: string
export const RARE_WORD: string
export function normalizedBatches(
  normalizeEvent: (
    fields: Record<string, unknown>,
    options: { now: number },
  ) => { ok: true; event: object } | { ok: false },
  options: { count: number; size: number; orgId: string; seed?: number },
): () => Array<{ orgId: string; event: object }>
