// The event loop's share of ingest, per event, in-process (`npm run build && node
// bench/validate-bench.js [--events N] [--runs N]`): JSON.parse of the body, normalizeEvent through
// zod alone (normalizeEventBySchema) and through its compiled fast road, redaction, and normalizeAll
// (the ingest pipeline's first stage: redaction, then normalization) over the workload's events
// (bench/workload.js), best of several runs in CPU time, the paths taking turns so a busy machine
// slows them alike.
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './cli-server.js'
import { makeEvent, rng } from './workload.js'

const arg = (name, fallback) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback
const EVENTS = arg('--events', 20_000)
const RUNS = arg('--runs', 7)

const dist = (path) => import(join(ROOT, 'packages', path))
const { normalizeEvent, normalizeEventBySchema } = await dist('protocol/dist/normalize-event.js')
const { createRedactor } = await dist('server/dist/ingest/redact.js')
const { normalizeAll } = await dist('server/dist/ingest/normalize-all.js')
const { parseOrgSettings } = await dist('server/dist/orgs/org-settings.js')

const now = Date.now()
const rand = rng(3)
const bodies = Array.from({ length: EVENTS }, () =>
  JSON.stringify(makeEvent(rand, now, 86_400_000)),
)
const parsed = bodies.map((b) => JSON.parse(b))
const settings = parseOrgSettings(null)
const redactor = createRedactor(settings.redaction)
const ctx = { now, ipAddress: '127.0.0.1', idempotencyKey: null }

// Both roads must agree before either is timed.
for (const raw of parsed.slice(0, 1_000)) {
  const a = JSON.stringify(normalizeEvent(raw, { ...ctx, id: 'x' }))
  const b = JSON.stringify(normalizeEventBySchema(raw, { ...ctx, id: 'x' }))
  if (a !== b) throw new Error('the fast road and zod disagree on a workload event')
}

let sink = 0
const paths = {
  'JSON.parse': () => {
    for (const b of bodies) sink += JSON.parse(b) === null ? 1 : 0
  },
  'normalize (zod)': () => {
    for (const p of parsed) sink += normalizeEventBySchema(p, ctx).ok ? 1 : 0
  },
  'normalize (fast)': () => {
    for (const p of parsed) sink += normalizeEvent(p, ctx).ok ? 1 : 0
  },
  'parse + normalize (zod)': () => {
    for (const b of bodies) sink += normalizeEventBySchema(JSON.parse(b), ctx).ok ? 1 : 0
  },
  'parse + normalize (fast)': () => {
    for (const b of bodies) sink += normalizeEvent(JSON.parse(b), ctx).ok ? 1 : 0
  },
  // As bench/run.js's stage table measures it: every normalized event kept until the end, so the
  // collector copies and promotes them (the server holds a batch at most until its commit).
  'parse + normalize (zod), all kept': () => {
    sink += bodies.map((b) => normalizeEventBySchema(JSON.parse(b), ctx).event).length
  },
  'parse + normalize (fast), all kept': () => {
    sink += bodies.map((b) => normalizeEvent(JSON.parse(b), ctx).event).length
  },
  redact: () => {
    for (const p of parsed) sink += redactor.redact(p).count
  },
  'normalizeAll, batches of 1,000 (redact + normalize)': () => {
    for (let i = 0; i < parsed.length; i += 1_000)
      sink += normalizeAll(parsed.slice(i, i + 1_000), ctx, settings, now, false).valid.length
  },
}

const best = Object.fromEntries(Object.keys(paths).map((name) => [name, Infinity]))
for (let run = 0; run < RUNS; run++)
  for (const [name, fn] of Object.entries(paths)) {
    // CPU time of the process (user + system), as bench/limits-bench.js: wall time on a loaded
    // machine counts the other processes too.
    const t0 = process.cpuUsage()
    fn()
    const { user, system } = process.cpuUsage(t0)
    best[name] = Math.min(best[name], (user + system) / EVENTS)
  }

console.log(
  `${EVENTS.toLocaleString('en-US')} workload events (${Math.round(bodies.reduce((n, b) => n + b.length, 0) / EVENTS)} bytes each), best of ${RUNS} runs in CPU time, load average ${loadavg()[0].toFixed(1)}, node ${process.version}`,
)
for (const [name, us] of Object.entries(best))
  console.log(`${us.toFixed(2).padStart(7)} µs  ${name}`)
if (sink < 0) console.log(sink)
