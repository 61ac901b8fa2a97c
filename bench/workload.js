// Synthetic but realistic events: about 1 KB each, words drawn from a skewed vocabulary so that
// some words are common and some rare, spread over 30 days, 20 agents, 5 models, 10 services.

import { randomUUID } from 'node:crypto'
const VOCAB = Array.from({ length: 5_000 }, (_, i) => `w${i.toString(36)}x`)
const STATUSES = [
  'success',
  'success',
  'success',
  'success',
  'success',
  'success',
  'success',
  'success',
  'error',
  'pending',
]

export function rng(seed) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A word by a Zipf-like rank: index 0 is in most events, high indexes in few. */
function word(rand) {
  return VOCAB[Math.floor(VOCAB.length * rand() ** 4)]
}

function sentence(rand, n) {
  const words = []
  for (let i = 0; i < n; i++) words.push(word(rand))
  return words.join(' ')
}

export function makeEvent(rand, now, spanMs) {
  const agent = `agent-${Math.floor(rand() * 20)}`
  return {
    ts: now - Math.floor(rand() * spanMs),
    agent,
    kind: rand() < 0.6 ? 'llm_call' : 'tool_call',
    service: `service-${Math.floor(rand() * 10)}`,
    action: `action-${Math.floor(rand() * 30)}`,
    status: STATUSES[Math.floor(rand() * STATUSES.length)],
    model: `model-${Math.floor(rand() * 5)}`,
    title: sentence(rand, 6),
    input: { prompt: sentence(rand, 70) },
    output: { text: sentence(rand, 40) },
    tokens_input: Math.floor(rand() * 2_000),
    tokens_output: Math.floor(rand() * 500),
    cost_usd: (Math.floor(rand() * 5_000) / 1_000_000).toFixed(6),
    duration_ms: Math.floor(50 + rand() * rand() * 8_000),
    trace_id: `trace-${Math.floor(rand() * 1e9)}`,
    tags: rand() < 0.1 ? ['flagged'] : [],
  }
}

/**
 * The store benchmarks' batches: `count` workload events normalized once (`normalizeEvent`, passed
 * in), before the clock runs, so the store's work is timed and not the validator's; `next()` gives
 * the following `size` of them under new ids.
 */
export function normalizedBatches(normalizeEvent, { count, size, orgId, seed = 19 }) {
  const rand = rng(seed)
  const now = Date.now()
  const normalized = Array.from({ length: count }, () => {
    const result = normalizeEvent(makeEvent(rand, now, 30 * 86_400_000), { now })
    if (!result.ok) throw new Error('workload event invalid')
    return result.event
  })
  let next = 0
  return () =>
    Array.from({ length: size }, () => ({
      orgId,
      event: { ...normalized[next++ % normalized.length], id: randomUUID() },
    }))
}

export const COMMON_WORD = VOCAB[0]
export const RARE_WORD = 'zebracorn'

/**
 * The ingest benchmark's request bodies (bench/run.js): one event, and a batch of 1,000, from seed 1
 * with timestamps over the day before `now`. The limits (bench/limits-bench.js) write the same events.
 */
export function ingestBodies(now) {
  const rand = rng(1)
  const oneEvent = JSON.stringify(makeEvent(rand, now, 86_400_000))
  const batchBody = JSON.stringify({
    events: Array.from({ length: 1_000 }, () => makeEvent(rand, now, 86_400_000)),
  })
  return { oneEvent, batchBody }
}
