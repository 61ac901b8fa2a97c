// Same-run A/B of ingest between two built checkouts (each with packages/cli/dist/main.js), to show
// that a change costs no ingest throughput beyond noise. On a shared 2-core machine two runs an hour
// apart differ by more than most regressions, so both builds are measured in one run, alternating
// A, B then B, A round by round (drift in the machine's load hits both alike), and each round's
// B/A ratio is kept: their spread is the noise a median difference has to beat.
//
//   node bench/ab-ingest.js --a <dirA> --b <dirB> [--rounds 3] [--seconds 5] [--stores sqlite,postgres]
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { ROOT, freshDatabase, serverEnv, start, stop } from './cli-server.js'
import { createClient, saturate } from './http-load.js'
import { makeEvent, rng } from './workload.js'

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    stores: { type: 'string', default: 'sqlite,postgres' },
  },
})
if (!values.a || !values.b) {
  console.error(
    'usage: node bench/ab-ingest.js --a <dirA> --b <dirB> [--rounds 3] [--seconds 5] [--stores sqlite,postgres]',
  )
  process.exit(2)
}
const ROUNDS = Number(values.rounds)
const SECONDS = Number(values.seconds)
// The CLI of each checkout, not of this one: this script may live in only one of them.
const CLIS = { A: values.a, B: values.b }
for (const [name, dir] of Object.entries(CLIS)) {
  CLIS[name] = join(resolve(dir), 'packages/cli/dist/main.js')
  if (!existsSync(CLIS[name]))
    throw new Error(`${name}: ${CLIS[name]} missing; npm run build there`)
}
// The same key as bench/run.js, created by the server at start from AGENTTRAIL_INIT_API_KEY.
const KEY = 'at_benchmark_key_0123456789abcdefghij'
const log = (...args) => process.stderr.write(`${args.join(' ')}\n`)

// The workload of bench/run.js: the same seed, so the same bodies as its ingest rows.
const rand = rng(1)
const now = Date.now()
const oneEvent = JSON.stringify(makeEvent(rand, now, 86_400_000))
const batchBody = JSON.stringify({
  events: Array.from({ length: 1_000 }, () => makeEvent(rand, now, 86_400_000)),
})
const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }
const PHASES = {
  single: { path: '/api/v1/events', connections: 50, body: oneEvent, perRequest: 1 },
  batch: { path: '/api/v1/events/batch', connections: 4, body: batchBody, perRequest: 1_000 },
}

/** Events per second counting only 2xx answers (a refusal is not ingest), and what was not 2xx. */
async function cannon(url, { path, connections, body, perRequest }, duration) {
  const r = await new Promise((ok, fail) =>
    autocannon(
      { url: url + path, method: 'POST', connections, body, headers, duration },
      (err, res) => (err ? fail(err) : ok(res)),
    ),
  )
  // Connection errors and timeouts are failed requests too, so they count with the non-2xx.
  return { eps: (r['2xx'] * perRequest) / r.duration, n: r['2xx'], bad: r.non2xx + r.errors }
}

/**
 * The same for batches, as a closed loop that waits for its last answer: autocannon drops what is in
 * flight when time is up, and at a few batches a second (PostgreSQL) that is a quarter of a run.
 */
async function drained(url, { path, connections, body, perRequest }, duration) {
  const client = createClient(url, KEY, connections)
  const bytes = Buffer.from(body) // its length is the content-length createClient sends
  let [ok, bad] = [0, 0]
  const call = () =>
    client.post(path, bytes).then(
      (r) => (r.status >= 200 && r.status < 300 ? ok++ : bad++),
      () => bad++,
    )
  try {
    const opts = { concurrency: connections, seconds: duration, blocks: 1 }
    const { rps, n } = (await saturate({ call }, opts)).call
    return { eps: (ok * perRequest * rps) / n, n: ok, bad }
  } finally {
    client.close()
  }
}

const load = (url, spec, duration = SECONDS) =>
  (spec.perRequest > 1 ? drained : cannon)(url, spec, duration)

/** One start of build `name`'s server on a fresh store, both ingest phases, then stop. */
async function measureBuild(name, pgBase, n) {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-ab-'))
  const db = pgBase ? await freshDatabase(pgBase, `agenttrail_ab_${process.pid}_${n}`) : undefined
  const { proc, url } = await start([CLIS[name], 'serve'], serverEnv(dir, db, KEY))
  try {
    const out = {}
    for (const [phase, spec] of Object.entries(PHASES)) {
      // One unmeasured second first, so that a short run measures the JIT-compiled server and open
      // database connections, not its start; its answers are verified all the same.
      const warm = await load(url, spec, 1)
      out[phase] = await load(url, spec)
      out[phase].bad += warm.bad
    }
    return out
  } finally {
    await stop(proc)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The bare node:http ceiling: how loaded the machine is this round, beside the builds' numbers. */
async function measureBare() {
  const { proc, url } = await start([join(ROOT, 'bench/bare-server.js')])
  try {
    return await load(url, { ...PHASES.single, path: '/' })
  } finally {
    await stop(proc)
  }
}

/** `rounds` of bare, then A and B alternately, against one store; rows[phase][build] = per-round. */
async function measureStore(store, pgBase) {
  const rows = { bare: { A: [] }, single: { A: [], B: [] }, batch: { A: [], B: [] } }
  let n = 0
  for (let round = 0; round < ROUNDS; round++) {
    rows.bare.A.push(await measureBare())
    for (const name of round % 2 ? ['B', 'A'] : ['A', 'B']) {
      const r = await measureBuild(name, pgBase, n++)
      for (const phase of Object.keys(PHASES)) rows[phase][name].push(r[phase])
      log(
        `${store} round ${round + 1} ${name}: single ${r.single.eps | 0}/s, batch ${r.batch.eps | 0}/s`,
      )
    }
  }
  return rows
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const fmt = (x) => Math.round(x).toLocaleString('en-US')
const sum = (rs) => rs.reduce((t, r) => t + r.bad, 0)
const LABELS = {
  bare: 'bare `node:http` ceiling, 50 connections (req/s)',
  single: '`POST /api/v1/events`, 50 connections',
  batch: '`POST /api/v1/events/batch`, 1,000 per request, 4 connections',
}

const STORES = new Set(values.stores.split(','))
const results = {}
if (STORES.has('sqlite')) results.SQLite = await measureStore('sqlite')
if (STORES.has('postgres')) {
  const postgres = await startEmbeddedPostgres()
  try {
    results.PostgreSQL = await measureStore('postgres', postgres.url)
  } finally {
    await postgres.stop()
  }
}

const lines = [
  `A: ${CLIS.A}\nB: ${CLIS.B}\n${ROUNDS} round(s) of ${SECONDS} s per phase; events/s counts 2xx only.\n`,
  '| store | phase | A events/s (median) | B events/s (median) | B/A | B/A per round (min–max) | non-2xx A / B |',
  '| --- | --- | --- | --- | --- | --- | --- |',
]
let bad = 0
for (const [store, rows] of Object.entries(results)) {
  for (const [phase, { A, B }] of Object.entries(rows)) {
    const a = median(A.map((r) => r.eps))
    bad += sum(A) + (B ? sum(B) : 0)
    if (!B) {
      lines.push(`| ${store} | ${LABELS[phase]} | ${fmt(a)} | | | | ${sum(A)} |`)
      continue
    }
    const b = median(B.map((r) => r.eps))
    // With few answers in a run (slow batches on a loaded machine) one answer more or less moves the
    // ratio, so warn on stderr.
    const few = Math.min(...[...A, ...B].map((r) => r.n))
    if (few < 50) log(`${store} ${phase}: only ${few} answers in a run; raise --seconds`)
    const ratios = A.map((r, i) => B[i].eps / r.eps)
    const range = `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`
    const cells = [fmt(a), fmt(b), (b / a).toFixed(3), range, `${sum(A)} / ${sum(B)}`]
    lines.push(`| ${store} | ${LABELS[phase]} | ${cells.join(' | ')} |`)
  }
}
console.log(lines.join('\n'))
// A run with refusals measured something other than ingest: say so in the exit code too.
if (bad > 0) {
  log(`${bad} request(s) were not answered 2xx; the numbers above are not a valid comparison`)
  process.exitCode = 1
}
