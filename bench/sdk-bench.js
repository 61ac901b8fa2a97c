/* global setImmediate */
// The SDK's side of `npm run bench`: what fire() costs the caller per event, and what track() adds
// to the function it wraps, beside the published agentledger SDK's track() against the same
// AgentTrail server in the same process. `runSdkBench` is called by bench/run.js; run alone with
// `node bench/sdk-bench.js` (after `npm run build`) to print the section.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApiKey, createLogger, loadConfig, startServer } from '@agenttrail/server'
import { AgentTrail } from 'agenttrail'
import { AgentLedger } from 'agentledger'

const FIRE_EVENTS = Number(process.env.BENCH_FIRE_EVENTS ?? 200_000)
const FIRE_ROUNDS = 5
const TRACK_CALLS = Number(process.env.BENCH_TRACK_CALLS ?? 1000)
const TRACK_BLOCKS = 10
const WARM_UP = 50
const FIRE_WARM_UP = Math.min(20_000, FIRE_EVENTS)

/** The real server on 127.0.0.1 port 0, SQLite in a temp folder, rate limit off, logs silent. */
async function startBenchServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'agenttrail-sdk-bench-'))
  const config = loadConfig({
    AGENTTRAIL_PORT: '0',
    AGENTTRAIL_HOST: '127.0.0.1',
    AGENTTRAIL_DATA_DIR: dataDir,
    AGENTTRAIL_LOG_LEVEL: 'silent',
    AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0',
  })
  const server = await startServer(config, { logger: createLogger('silent'), announce: () => {} })
  const key = async (prefix) =>
    (
      await createApiKey(server.store.keys, {
        orgId: 'bench',
        name: 'sdk-bench',
        scopes: ['ingest'],
        prefix,
      })
    ).key
  return {
    url: server.url,
    key,
    async close() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const text = (seed) =>
  Array.from({ length: 50 }, (_, i) => `word${(seed * 31 + i) % 997}`.padEnd(10, ' ')).join('')

/** A realistic LLM call: 500-character input and output, model, tokens. The caller builds it, so its cost is not timed. */
function llmEvent(i) {
  return {
    agent: `agent-${i % 20}`,
    kind: 'llm_call',
    provider: 'openai',
    model: 'gpt-4o',
    input: text(i % 64),
    output: text((i % 64) + 64),
    tokens_input: 412 + (i % 100),
    tokens_output: 128,
    duration_ms: 840,
  }
}

async function post(url, apiKey, path, body) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ ...body, environment: 'production' }),
  })
  await res.text()
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const quantile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]

/** µs per fire() over `FIRE_EVENTS` calls in one tight loop, per round; everything is sent between rounds. */
async function measureFire(url, apiKey, log) {
  const events = Array.from({ length: FIRE_EVENTS }, (_, i) => llmEvent(i))
  let errors = 0
  const trail = new AgentTrail({
    apiKey,
    baseUrl: url,
    maxQueueSize: FIRE_EVENTS,
    maxBatchSize: 1000,
    flushOnExit: false,
    onError: () => errors++,
  })
  let fired = 0
  const round = async (n = events.length) => {
    const t0 = performance.now()
    for (let i = 0; i < n; i++) trail.fire(events[i])
    const us = ((performance.now() - t0) * 1000) / n
    fired += n
    await trail.flush()
    return us
  }
  await round(FIRE_WARM_UP) // warm-up: JIT, and the server's first batches
  const rounds = []
  for (let r = 0; r < FIRE_ROUNDS; r++) {
    rounds.push(await round())
    log(`fire(): ${rounds.at(-1).toFixed(2)} µs per event (round ${r + 1} of ${FIRE_ROUNDS})`)
  }
  await trail.shutdown()
  const { sent, dropped } = trail.stats()
  return { usPerEvent: median(rounds), rounds, fired, sent, dropped, errors }
}

/**
 * The Python SDK's fire() (bench/python-fire.py) against the same server, in a child process
 * spawned without blocking this event loop (the server runs on it). Same events, same rounds.
 */
function measurePythonFire(url, apiKey, log) {
  const python = process.env.PYTHON ?? 'python3'
  const script = fileURLToPath(new URL('./python-fire.py', import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, url, apiKey, String(FIRE_EVENTS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${python} bench/python-fire.py failed: ${err}`))
      const result = JSON.parse(out)
      log(
        `Python ${result.python} fire(): ${result.wall_us.toFixed(2)} µs per event (caller CPU ${result.cpu_us.toFixed(2)} µs)`,
      )
      resolve(result)
    })
  })
}

/** Sequential calls of the bare function, the wrappers and one plain round trip, interleaved in blocks so drift hits all alike. */
async function measureTrack(url, atKey, alKey, log) {
  const bare = () => new Promise((resolve) => setImmediate(resolve))
  const errors = { agenttrail: 0, agentledger: 0 }
  const trail = new AgentTrail({
    apiKey: atKey,
    baseUrl: url,
    flushOnExit: false,
    onError: () => errors.agenttrail++,
  })
  const ledger = new AgentLedger({
    apiKey: alKey,
    baseUrl: url,
    onError: () => errors.agentledger++,
  })
  const options = { agent: 'bench-agent', service: 'bench', action: 'step' }
  const variants = {
    bare,
    agenttrail: () => trail.track(options, bare),
    agentledger: () => ledger.track(options, bare),
    // AgentTrail's own option for actions no policy governs: record only, no round trip.
    recordOnly: () => trail.track({ ...options, check: false }, bare),
    // Plain round trips without any SDK: what AgentTrail's check costs at the least, and agentledger's second call.
    roundTrip: () => post(url, atKey, '/api/v1/check', options),
    commit: () =>
      post(url, alKey, '/api/v1/actions', { ...options, status: 'success', duration_ms: 0 }),
  }
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
  for (const call of Object.values(variants)) for (let i = 0; i < WARM_UP; i++) await call()
  const perBlock = Math.ceil(TRACK_CALLS / TRACK_BLOCKS)
  for (let b = 0; b < TRACK_BLOCKS; b++) {
    for (const [name, call] of Object.entries(variants)) {
      for (let i = 0; i < perBlock; i++) {
        const t0 = performance.now()
        await call()
        samples[name].push(performance.now() - t0)
      }
    }
  }
  await trail.shutdown()
  const sorted = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, [...v].sort((a, b) => a - b)]),
  )
  const bareP50 = quantile(sorted.bare, 0.5)
  const added = (name) => ({
    p50: quantile(sorted[name], 0.5) - bareP50,
    p99: quantile(sorted[name], 0.99) - bareP50,
  })
  const result = {
    calls: sorted.bare.length,
    bare: { p50: bareP50, p99: quantile(sorted.bare, 0.99) },
    agenttrail: added('agenttrail'),
    agentledger: added('agentledger'),
    recordOnly: added('recordOnly'),
    roundTrip: { p50: quantile(sorted.roundTrip, 0.5), p99: quantile(sorted.roundTrip, 0.99) },
    commit: { p50: quantile(sorted.commit, 0.5), p99: quantile(sorted.commit, 0.99) },
    errors,
    agenttrailSent: trail.stats().sent,
    agenttrailDropped: trail.stats().dropped,
  }
  result.ratio = {
    p50: result.agentledger.p50 / result.agenttrail.p50,
    p99: result.agentledger.p99 / result.agenttrail.p99,
  }
  log(
    `track() added p50/p99: AgentTrail ${ms(result.agenttrail.p50)}/${ms(result.agenttrail.p99)}, agentledger ${ms(result.agentledger.p50)}/${ms(result.agentledger.p99)}, ratio ${result.ratio.p50.toFixed(1)}×`,
  )
  return result
}

const ms = (v) => (v < 0.1 ? `${Math.round(v * 1000)} µs` : `${v.toFixed(2)} ms`)
const count = (n) => n.toLocaleString('en-US')
const verdict = (ok) => (ok ? 'met' : 'not met')

/** Measures both against one in-process server; `log` gets progress lines. Returns the numbers and a docs/benchmarks.md section. */
export async function runSdkBench({ log = () => {} } = {}) {
  const loadBefore = loadavg()[0]
  const server = await startBenchServer()
  let fire
  let python
  let track
  try {
    fire = await measureFire(server.url, await server.key('at_'), log)
    python = await measurePythonFire(server.url, await server.key('at_'), log)
    track = await measureTrack(server.url, await server.key('at_'), await server.key('al_'), log)
  } finally {
    await server.close()
  }
  const results = { fire, python, track, load: [loadBefore, loadavg()[0]] }
  return { results, markdown: sdkMarkdown(results) }
}

function sdkMarkdown({ fire, python, track, load }) {
  const py = python
  const t = track
  return `## SDK

Measured by \`npm run bench\` (\`bench/sdk-bench.js\`; alone: \`node bench/sdk-bench.js\` after \`npm run build\`), against
one AgentTrail server started in the bench process on 127.0.0.1 (SQLite in a temp folder, rate limit off), so the
server's work shares the event loop with the clients. The machine's load average (1 minute) was
${load[0].toFixed(1)} when the section began and ${load[1].toFixed(1)} when it ended (2 cores): the figures are CPU time
on a shared machine, so compare them with each other, within this run.

| measurement | AgentTrail SDK | agentledger 0.5.0 | target | |
| --- | --- | --- | --- | --- |
| \`fire()\` on the caller's thread, median of ${FIRE_ROUNDS} rounds | ${fire.usPerEvent.toFixed(2)} µs per event | (no equivalent) | < 2 µs | ${verdict(fire.usPerEvent < 2)} |
| Python SDK \`fire()\` on the caller's thread, median of ${FIRE_ROUNDS} rounds (Python ${py.python}) | ${py.wall_us.toFixed(2)} µs per event (caller's CPU ${py.cpu_us.toFixed(2)} µs); ${(py.wall_us / fire.usPerEvent).toFixed(1)}× the TypeScript SDK's | (no equivalent) | < 5 µs | ${verdict(py.wall_us < 5)} |
| Python SDK \`fire()\` with the server down | ${py.down.wall_us.toFixed(2)} µs per event | | never blocks or raises | ${verdict(py.down.wall_us < 5)} |
| \`track()\` added latency, p50 | ${ms(t.agenttrail.p50)} | ${ms(t.agentledger.p50)} (${t.ratio.p50.toFixed(1)}× AgentTrail's) | ≥ 5× less | ${verdict(t.ratio.p50 >= 5)} |
| \`track()\` added latency, p99 | ${ms(t.agenttrail.p99)} | ${ms(t.agentledger.p99)} (${t.ratio.p99.toFixed(1)}× AgentTrail's) | | |
| \`track({ check: false })\` added latency, p50 / p99 (record only, no round trip) | ${ms(t.recordOnly.p50)} / ${ms(t.recordOnly.p99)} | (no equivalent) | | |

**\`fire()\`**: ${count(FIRE_EVENTS)} calls in one tight loop per round (rounds: ${fire.rounds.map((r) => r.toFixed(2)).join(', ')} µs), after a
warm-up round of ${count(FIRE_WARM_UP)}, each event an \`llm_call\` with agent, provider, model, token counts and a 500-character input and output,
built before the clock starts. The queue holds a whole round (\`maxQueueSize: ${count(FIRE_EVENTS)}\`, batches of 1,000), and
each round is flushed to the server before the next: ${count(fire.sent)} of ${count(fire.fired)} events sent, ${fire.dropped} dropped, ${fire.errors} errors.
What is timed is the caller's side only (copy, UUIDv7, timestamp, enqueue); serialization and sending happen later,
off the caller's turn.

**Python \`fire()\`** (\`bench/python-fire.py\`, run by the bench with \`python3\`; alone: \`python3 bench/python-fire.py <url> <key>\`):
the same events, warm-up and rounds against the same server, in a child process. The time is the caller's wall clock
around the loop, which includes any time the sender thread held the interpreter lock meanwhile; the caller's own CPU time
(\`time.thread_time\`) is beside it. The caller copies the event, stamps \`ts\` and appends to the queue; the UUIDv7,
serialization and sending happen on the sender thread. ${count(py.sent)} of ${count(py.fired)} events sent, ${py.dropped} dropped,
${py.errors} errors (rounds: ${py.rounds.map((r) => r.wall_us.toFixed(2)).join(', ')} µs). With the server down (nothing listening on the port),
a round costs ${py.down.wall_us.toFixed(2)} µs per event and \`close(3)\` returns after ${py.down.close_s.toFixed(1)} s with ${count(py.down.dropped)} events reported to
\`on_drop\` as \`shutdown\`.

**\`track()\`**: \`{ agent, service, action }\` around a function that only awaits \`setImmediate\`. The bare function,
AgentTrail's \`track()\`, agentledger's \`track()\`, AgentTrail's \`track({ check: false })\` and plain \`fetch\` calls of both
endpoints (no SDK) are called sequentially, ${t.calls} calls each after ${WARM_UP} warm-up calls, interleaved in ${TRACK_BLOCKS} blocks. Added latency
is each call's time minus the bare function's median (${ms(t.bare.p50)}; its p99 ${ms(t.bare.p99)}). agentledger waits for two
round trips one after the other (\`POST /api/v1/check\`, then \`POST /api/v1/actions\`, which answers after the commit);
AgentTrail waits for the check only and hands the record to its batcher (${count(t.agenttrailSent)} events sent, ${t.agenttrailDropped} dropped).
Both checks are real decisions by the store: the bench's org has no policy or budget, so every check is allowed
and writes nothing (errors reported to \`onError\`, 0 when every call succeeded: AgentTrail ${t.errors.agenttrail}, agentledger ${t.errors.agentledger}).

A plain \`fetch\` of the check takes ${ms(t.roundTrip.p50)} at p50 (p99 ${ms(t.roundTrip.p99)}), one of \`POST /api/v1/actions\`
${ms(t.commit.p50)} (p99 ${ms(t.commit.p99)}): AgentTrail's added latency is about the first, the SDK's own part is what \`check: false\` shows,
and agentledger's is the sum. The second includes an fsync of the SQLite WAL, whose time varies from run to run on a
shared disk, and the ratio with it.${
    t.ratio.p50 >= 5
      ? ''
      : ` Under 5× here because AgentTrail still waits for one of the two round trips: the target
needs the check off the caller's path, or a much cheaper round trip, not a faster SDK.`
  }
`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { markdown } = await runSdkBench({ log: (line) => process.stderr.write(`${line}\n`) })
  process.stdout.write(markdown)
}
