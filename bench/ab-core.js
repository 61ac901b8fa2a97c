// Same-run A/B of ingest: two server variants (two builds, or one build configured two ways)
// measured in one run, alternating A, B then B, A round by round, so drift in the machine's load
// hits both alike; each round's B/A ratio is kept, and their spread is the noise a median
// difference has to beat. Used by bench/ab-ingest.js (two builds) and bench/events-out-bench.js
// (one build, with and without webhooks subscribed).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { ROOT, freshDatabase, serverEnv, start, stop } from './cli-server.js'
import { createClient, saturate } from './http-load.js'
import { makeEvent, rng } from './workload.js'

// The same key as bench/run.js, created by the server at start from AGENTTRAIL_INIT_API_KEY.
export const KEY = 'at_benchmark_key_0123456789abcdefghij'

// The workload of bench/run.js: the same seed, so the same bodies as its ingest rows.
const rand = rng(1)
const now = Date.now()
const oneEvent = JSON.stringify(makeEvent(rand, now, 86_400_000))
const batchBody = JSON.stringify({
  events: Array.from({ length: 1_000 }, () => makeEvent(rand, now, 86_400_000)),
})
const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }
export const PHASES = {
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

const load = (url, spec, duration) => (spec.perRequest > 1 ? drained : cannon)(url, spec, duration)

/**
 * One start of a variant's server on a fresh store (`variant.cli`, `variant.env`; `variant.setup(url)`
 * runs before the load, e.g. to subscribe webhooks), both ingest phases, then stop.
 */
async function measureVariant(variant, pgBase, n, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-ab-'))
  const db = pgBase ? await freshDatabase(pgBase, `agenttrail_ab_${process.pid}_${n}`) : undefined
  const env = { ...serverEnv(dir, db, KEY), ...variant.env }
  const { proc, url } = await start([variant.cli, 'serve'], env)
  try {
    await variant.setup?.(url)
    const out = {}
    for (const [phase, spec] of Object.entries(PHASES)) {
      // One unmeasured second first, so that a short run measures the JIT-compiled server and open
      // database connections, not its start; its answers are verified all the same.
      const warm = await load(url, spec, 1)
      out[phase] = await load(url, spec, seconds)
      out[phase].bad += warm.bad
    }
    return out
  } finally {
    await stop(proc)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The bare node:http ceiling: how loaded the machine is this round, beside the variants' numbers. */
async function measureBare(seconds) {
  const { proc, url } = await start([join(ROOT, 'bench/bare-server.js')])
  try {
    return await load(url, { ...PHASES.single, path: '/' }, seconds)
  } finally {
    await stop(proc)
  }
}

/** `rounds` of bare, then A and B alternately, against one store; rows[phase][variant] = per-round. */
async function measureStore(store, pgBase, { variants, rounds, seconds, log }) {
  const rows = { bare: { A: [] }, single: { A: [], B: [] }, batch: { A: [], B: [] } }
  let n = 0
  for (let round = 0; round < rounds; round++) {
    rows.bare.A.push(await measureBare(seconds))
    for (const name of round % 2 ? ['B', 'A'] : ['A', 'B']) {
      const r = await measureVariant(variants[name], pgBase, n++, seconds)
      for (const phase of Object.keys(PHASES)) rows[phase][name].push(r[phase])
      log(
        `${store} round ${round + 1} ${name}: single ${r.single.eps | 0}/s, batch ${r.batch.eps | 0}/s`,
      )
    }
  }
  return rows
}

/** Measures `variants` ({A, B}) on each of `stores` (a Set of 'sqlite', 'postgres'). */
export async function measureAB({ variants, rounds, seconds, stores, log }) {
  const opts = { variants, rounds, seconds, log }
  const results = {}
  if (stores.has('sqlite')) results.SQLite = await measureStore('sqlite', undefined, opts)
  if (stores.has('postgres')) {
    const postgres = await startEmbeddedPostgres()
    try {
      results.PostgreSQL = await measureStore('postgres', postgres.url, opts)
    } finally {
      await postgres.stop()
    }
  }
  return results
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

/**
 * The markdown table of `results`, the B/A median per store and phase (`ratios`), and how many
 * answers were not 2xx (a run with refusals measured something other than ingest).
 */
export function abTable(results, log) {
  const lines = [
    '| store | phase | A events/s (median) | B events/s (median) | B/A | B/A per round (min–max) | non-2xx A / B |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ]
  const ratios = {}
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
      // With few answers in a run (slow batches on a loaded machine) one answer more or less moves
      // the ratio, so warn on stderr.
      const few = Math.min(...[...A, ...B].map((r) => r.n))
      if (few < 50) log(`${store} ${phase}: only ${few} answers in a run; raise --seconds`)
      const perRound = A.map((r, i) => B[i].eps / r.eps)
      const range = `${Math.min(...perRound).toFixed(3)}–${Math.max(...perRound).toFixed(3)}`
      ratios[`${store} ${phase}`] = b / a
      const cells = [fmt(a), fmt(b), (b / a).toFixed(3), range, `${sum(A)} / ${sum(B)}`]
      lines.push(`| ${store} | ${LABELS[phase]} | ${cells.join(' | ')} |`)
    }
  }
  return { markdown: lines.join('\n'), ratios, bad }
}
