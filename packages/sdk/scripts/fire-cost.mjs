/* global setImmediate */
// How long fire() holds the caller's thread, per event, timed on the caller's side only. Sending
// happens between bursts against a fetch that answers at once, so no network is measured.
// Usage, after the build: node packages/sdk/scripts/fire-cost.mjs. The benchmark proper is bench/.
import { AgentTrail } from '../dist/esm/index.js'

const ok = { status: 201, ok: true, headers: { get: () => null }, text: async () => '{"accepted":[],"errors":[]}' }
const trail = new AgentTrail({ apiKey: 'at_measure', fetch: async () => ok, maxQueueSize: 1_000_000, flushOnExit: false })
const event = (i) => ({
  agent: 'billing-agent',
  kind: 'llm_call',
  provider: 'openai',
  model: 'gpt-4o',
  action: 'refund',
  input: { prompt: 'Should order 1042 be refunded?' },
  output: { answer: 'Yes' },
  tokens_input: 412,
  tokens_output: 38,
  duration_ms: i,
})

/** µs per fire() over `total` events fired `burst` at a time, the loop yielding between bursts. */
async function measure(burst, total) {
  const events = Array.from({ length: burst }, (_, i) => event(i))
  let ms = 0
  for (let done = 0; done < total; done += burst) {
    const start = performance.now()
    for (let i = 0; i < burst; i++) trail.fire(events[i])
    ms += performance.now() - start
    await new Promise((resolve) => setImmediate(resolve))
  }
  await trail.flush()
  return (ms * 1000) / total
}

await measure(100, 200_000) // warm-up
for (const [burst, label] of [
  [1, 'one event per tick (an agent firing per call)'],
  [100, 'bursts of 100 (one batch)'],
  [100_000, 'bursts of 100,000 in one tick (all held in memory)'],
]) {
  const runs = []
  for (let i = 0; i < 5; i++) runs.push(await measure(burst, burst === 1 ? 50_000 : 200_000))
  runs.sort((a, b) => a - b)
  console.log(`fire(): ${runs[2].toFixed(2)} µs per event, median of 5 runs: ${label}`)
}
const { sent, dropped } = trail.stats()
console.log(`sent ${sent}, dropped ${dropped}`)
await trail.shutdown()
