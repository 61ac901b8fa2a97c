// npm run bench: ingest and query benchmarks against the real server, with a bare node:http
// ceiling measured in the same run, then the SDK and control plane sections. Writes
// docs/benchmarks.md. The limits (the stores and the parser alone, bench/limits-bench.js) are measured
// in the same run, and each ingest figure is reported as a ratio to the one that bounds it.
// `node bench/run.js --only sdk|control|events-out|alerts|otlp|integrity|limits` measures that section
// alone and replaces it in the file. Loopback only.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { cpus, totalmem, tmpdir, release } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { CLI, ROOT, freshDatabase, serverEnv, start, stop } from './cli-server.js'
import { ingestRatioRows, runLimitsBench } from './limits-bench.js'
import { runSection } from './report-section.js'
import { COMMON_WORD, RARE_WORD, ingestBodies, makeEvent, rng } from './workload.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000)
const KEY = 'at_benchmark_key_0123456789abcdefghij'
const DAY = 86_400_000

function log(...args) {
  process.stderr.write(`${args.join(' ')}\n`)
}

const only = process.argv.indexOf('--only')
if (only !== -1) {
  await runSection(process.argv[only + 1], join(ROOT, 'docs/benchmarks.md'), log)
  process.exit(0)
}

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024)
}

function cannon(opts) {
  return new Promise((resolve, reject) =>
    autocannon({ duration: SECONDS, ...opts }, (err, result) =>
      err ? reject(err) : resolve(result),
    ),
  )
}

/** The path of the first page and of the next `n - 1` pages, following `next_cursor`. */
async function cursorPages(url, path, n) {
  const paths = [path]
  while (paths.length < n) {
    const res = await fetch(url + paths[paths.length - 1], { headers: { 'x-api-key': KEY } })
    const cursor = (await res.json()).next_cursor
    if (!cursor) break
    paths.push(`${path}&cursor=${cursor}`)
  }
  return paths
}

async function timeRequests(url, paths, rounds) {
  const samples = []
  for (let r = 0; r < rounds; r++) {
    for (const path of paths) {
      const t0 = performance.now()
      const res = await fetch(url + path, { headers: { 'x-api-key': KEY } })
      await res.arrayBuffer()
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
      samples.push(performance.now() - t0)
    }
  }
  samples.sort((a, b) => a - b)
  const q = (p) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)]
  return { p50: q(0.5), p95: q(0.95), n: samples.length }
}

const results = {}
const now = Date.now()
const { oneEvent, batchBody } = ingestBodies(now)
log(
  `event body ${Buffer.byteLength(oneEvent)} bytes; batch body ${Buffer.byteLength(batchBody)} bytes`,
)

// 1. Ceiling: bare node:http.
{
  const { proc, url } = await start([join(ROOT, 'bench/bare-server.js')])
  const r = await cannon({
    url: `${url}/`,
    method: 'POST',
    connections: 50,
    body: oneEvent,
    headers: { 'content-type': 'application/json' },
  })
  results.bare = r.requests.average
  log(`bare node:http: ${Math.round(r.requests.average)} req/s`)
  await stop(proc)
}

/** Ingest and query measurements against one store: `postgres` when `pgBase` is given. */
async function measure(dialect, pgBase) {
  const r = {}
  let databaseUrl
  let n = 0
  const fresh = async () =>
    pgBase ? freshDatabase(pgBase, `agenttrail_bench_${process.pid}_${n++}`) : undefined
  // 2. Single-event ingest, durable, 50 keep-alive connections.
  {
    const dir = mkdtempSync(join(tmpdir(), 'agenttrail-bench-'))
    databaseUrl = await fresh()
    const { proc, url } = await start([CLI, 'serve'], serverEnv(dir, databaseUrl, KEY))
    const c = await cannon({
      url: `${url}/api/v1/events`,
      method: 'POST',
      connections: 50,
      body: oneEvent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    })
    r.single = {
      rps: c.requests.average,
      p50: c.latency.p50,
      p99: c.latency.p99,
      non2xx: c.non2xx,
      errors: c.errors,
    }
    r.singleRss = peakRssMb(proc.pid)
    log(
      `${dialect} single ingest: ${Math.round(c.requests.average)} req/s, p99 ${c.latency.p99} ms, non2xx ${c.non2xx}`,
    )
    await stop(proc)

    // 3. Batch ingest, 1,000 events per request, 4 connections, into the same database.
    const again = await start([CLI, 'serve'], serverEnv(dir, databaseUrl, KEY))
    const b = await cannon({
      url: `${again.url}/api/v1/events/batch`,
      method: 'POST',
      connections: 4,
      body: batchBody,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    })
    r.batch = { eps: b.requests.average * 1_000, p50: b.latency.p50, non2xx: b.non2xx }
    r.batchRss = peakRssMb(again.proc.pid)
    log(
      `${dialect} batch ingest: ${Math.round(b.requests.average * 1_000)} events/s, non2xx ${b.non2xx}`,
    )
    await stop(again.proc)
    rmSync(dir, { recursive: true, force: true })
  }

  // 4. Queries at EVENTS events over 30 days.
  {
    const dir = mkdtempSync(join(tmpdir(), 'agenttrail-bench-'))
    databaseUrl = await fresh()
    const { proc, url } = await start([CLI, 'serve'], serverEnv(dir, databaseUrl, KEY))
    const loadStart = performance.now()
    const total = EVENTS
    let sent = 0
    const qrand = rng(2)
    const worker = async () => {
      while (sent < total) {
        const n = Math.min(1_000, total - sent)
        const first = sent
        sent += n
        const events = Array.from({ length: n }, () => makeEvent(qrand, now, 30 * DAY))
        // 30 events in each 100 belong to a conversation, in groups of 10 (conv-0 ... conv-2 from the
        // first 100): 30% of the events, in EVENTS / 100 × 3 conversations. Nothing else changes.
        events.forEach((e, i) => {
          const g = first + i
          if (g % 100 < 30)
            e.conversation_id = `conv-${Math.floor(g / 100) * 3 + Math.floor((g % 100) / 10)}`
        })
        if (sent % 97_000 < 1_000) events[0].title = `${RARE_WORD} ${events[0].title}`
        const res = await fetch(`${url}/api/v1/events/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ events }),
        })
        if (res.status !== 201) throw new Error(`load: ${res.status} ${await res.text()}`)
      }
    }
    // Watch how far the derived data (rollups, full-text index) trails ingest, from a read-only
    // connection beside the server. (PostgreSQL writes the rollups in the append transaction, and
    // its search index behind it: ADR 0012.)
    const Database = (await import('better-sqlite3')).default
    const lagOf = async () => {
      if (databaseUrl) {
        const pg = (await import('pg')).default
        const client = new pg.Client({ connectionString: databaseUrl })
        await client.connect()
        try {
          const { rows } = await client.query(
            `SELECT coalesce(sum(o.next_seq - 1 - coalesce(c.seq, 0)), 0) AS n FROM orgs o
             LEFT JOIN search_cursors c ON c.org_id = o.id`,
          )
          return { search: Number(rows[0].n), rollups: 0 }
        } finally {
          await client.end()
        }
      }
      const db = new Database(join(dir, 'agenttrail.db'), { readonly: true })
      try {
        const max = db.prepare('SELECT coalesce(max(rowid), 0) AS m FROM events').get().m
        const meta = Object.fromEntries(
          db
            .prepare('SELECT key, value FROM meta')
            .all()
            .map((r) => [r.key, r.value]),
        )
        return { search: max - meta.fts_indexed_rowid, rollups: max - meta.rollup_rowid }
      } finally {
        db.close()
      }
    }
    let maxLag = { search: 0, rollups: 0 }
    let loading = true
    const sampler = (async () => {
      while (loading) {
        await new Promise((r) => setTimeout(r, 1_000))
        const lag = await lagOf()
        maxLag = {
          search: Math.max(maxLag.search, lag.search),
          rollups: Math.max(maxLag.rollups, lag.rollups),
        }
      }
    })()
    await Promise.all([worker(), worker(), worker()])
    loading = false
    await sampler
    r.load = { events: total, seconds: (performance.now() - loadStart) / 1000 }
    r.loadRss = peakRssMb(proc.pid)
    r.maxLag = maxLag
    log(
      `${dialect} loaded ${total} events in ${r.load.seconds.toFixed(1)} s; largest lag seen: ${JSON.stringify(maxLag)} events`,
    )
    const idxStart = performance.now()
    for (;;) {
      const lag = await lagOf()
      if (lag.search === 0 && lag.rollups === 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    r.indexCatchUp = (performance.now() - idxStart) / 1000
    log(`derived data caught up ${r.indexCatchUp.toFixed(1)} s after the load ended`)
    await stop(proc)

    const server = await start([CLI, 'serve'], serverEnv(dir, databaseUrl, KEY))
    const agents = Array.from({ length: 20 }, (_, i) => `agent-${i}`)
    const page = agents.map((a) => `/api/v1/events?agent=${a}&limit=50`)
    const filtered = agents.map(
      (a, i) =>
        `/api/v1/events?agent=${a}&status=error&from=${new Date(now - (i + 2) * DAY).toISOString()}&limit=50`,
    )
    // The activity log: 20 pages deep (following next_cursor), and the first page of each agent's conversations.
    const conversations = await cursorPages(server.url, '/api/v1/conversations?limit=50', 20)
    const agentConversations = agents.map((a) => `/api/v1/conversations?agent=${a}&limit=50`)
    await timeRequests(server.url, page, 2) // warm
    r.queries = {
      page: await timeRequests(server.url, page, 10),
      filtered: await timeRequests(server.url, filtered, 10),
      rare: await timeRequests(server.url, [`/api/v1/events?q=${RARE_WORD}&limit=50`], 100),
      common: await timeRequests(server.url, [`/api/v1/events?q=${COMMON_WORD}&limit=50`], 100),
      stats: await timeRequests(server.url, ['/api/v1/stats?days=30'], 100),
      conversations: await timeRequests(server.url, conversations, 5),
      agentConversations: await timeRequests(server.url, agentConversations, 5),
    }
    for (const [k, v] of Object.entries(r.queries))
      log(`${dialect} ${k}: p50 ${v.p50.toFixed(1)} ms, p95 ${v.p95.toFixed(1)} ms`)
    r.queryRss = peakRssMb(server.proc.pid)
    await stop(server.proc)
    rmSync(dir, { recursive: true, force: true })
  }

  return r
}

results.sqlite = await measure('sqlite')
const postgres = await startEmbeddedPostgres()
let limits
try {
  results.postgres = await measure('postgres', postgres.url)
  // The limits that bound those figures: the same events, written by the stores alone, and parsed alone.
  const bodies = { oneEvent, batchBody }
  limits = await runLimitsBench({ log, now, bodies, pgBase: postgres.url })
} finally {
  await postgres.stop()
}

// 5. Where an event's time goes: each stage in-process, one thread, over 50,000 events.
{
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-bench-'))
  const { normalizeEvent } = await import(join(ROOT, 'packages/protocol/dist/index.js'))
  const { openSqliteDb } = await import(
    join(ROOT, 'packages/server/dist/store/sqlite/sqlite-db.js')
  )
  const { migrateSqlite } = await import(
    join(ROOT, 'packages/server/dist/store/sqlite/sqlite-migrate.js')
  )
  const { createSqliteWrites } = await import(
    join(ROOT, 'packages/server/dist/store/sqlite/sqlite-writes.js')
  )
  const { createRedactor } = await import(join(ROOT, 'packages/server/dist/ingest/redact.js'))
  const { enforcement } = await import(join(ROOT, 'packages/server/dist/control/engine.js'))
  const db = openSqliteDb(join(dir, 'stages.db'))
  migrateSqlite(db)
  const writes = createSqliteWrites(db, enforcement)
  writes.ensureOrg('default')
  const srand = rng(3)
  const bodies = Array.from({ length: 50_000 }, () => JSON.stringify(makeEvent(srand, now, DAY)))
  const perEvent = (t0) => ((performance.now() - t0) * 1000) / bodies.length
  const redactor = createRedactor({ enabled: true, field_names: [], allow_field_names: [] })
  const parsed = bodies.map((b) => JSON.parse(b))
  let t0 = performance.now()
  for (const p of parsed) redactor.redact(p)
  const redact = perEvent(t0)
  t0 = performance.now()
  const events = bodies.map((b) => normalizeEvent(JSON.parse(b), { now }).event)
  const parse = perEvent(t0)
  // The append folds its rollups in memory; the writer writes the fold out every 2,000 events.
  let rolling = 0
  const writeFold = () => {
    const t = performance.now()
    while (writes.rollPending(5_000) > 0);
    rolling += performance.now() - t
  }
  t0 = performance.now()
  for (let i = 0; i < events.length; i += 1_000) {
    writes.append(events.slice(i, i + 1_000).map((event) => ({ orgId: 'default', event })))
    if (i % 2_000 === 1_000) writeFold()
  }
  writeFold()
  const roll = (rolling * 1000) / bodies.length
  const append = perEvent(t0) - roll
  t0 = performance.now()
  while (writes.indexPending(1_000) > 0);
  const index = perEvent(t0)
  db.close()
  rmSync(dir, { recursive: true, force: true })
  results.stages = { parse, redact, append, roll, index }
  log(
    `per event: parse+validate ${parse.toFixed(1)} µs, redact ${redact.toFixed(1)} µs, append ${append.toFixed(1)} µs, rollups ${roll.toFixed(1)} µs, index ${index.toFixed(1)} µs`,
  )
}

// 6. The SDK: fire() on the caller's thread and track()'s added latency beside the agentledger SDK.
const { runSdkBench } = await import('./sdk-bench.js')
const sdk = await runSdkBench({ log })

// 7. The control plane: checks and reported actions with ten policies and two budgets in force.
const { runCheckBench } = await import('./check-bench.js')
const control = await runCheckBench({ log })

// 8. The publish stage: outbox rows per event, ingest with webhooks subscribed, delivery latency.
const { runEventsOutBench } = await import('./events-out-bench.js')
const eventsOut = await runEventsOutBench({ log })

// 9. The watch stage: one evaluation pass at 1,000 agents; false alerts over six normal weeks.
const { runAlertsBench } = await import('./alerts-bench.js')
const alerts = await runAlertsBench({ log })

// 10. OTLP: span ingest over /v1/traces (JSON, protobuf) beside the native batch, same run.
const { runOtlpBench } = await import('./otlp-bench.js')
const otlp = await runOtlpBench({ log })

// 11. The integrity log: leaf preparation and the writer's share per event; ingest with and without it.
const { runIntegrityBench } = await import('./integrity-bench.js')
const integrity = await runIntegrityBench({ log })

const ms = (v) => `${v.toFixed(1)} ms`
const pct = (a, b) => `${Math.round((100 * a) / b)}%`
const verdict = (ok) => (ok ? 'met' : 'not met')
const S = results.sqlite
const P = results.postgres
const rate = (x) => x.load.events / x.load.seconds
const maxRss = (x) => Math.max(x.singleRss, x.batchRss, x.loadRss)
const both = (label, f, target, ok) =>
  `| ${label} | ${f(S)} | ${f(P)} | ${target} | ${ok ? `${verdict(ok(S))} / ${verdict(ok(P))}` : ''} |`
const queryRow = (label, key, limit) =>
  both(
    label,
    (x) => `${ms(x.queries[key].p50)} / ${ms(x.queries[key].p95)}`,
    `≤ ${limit} ms`,
    (x) => x.queries[key].p95 <= limit,
  )
const md = `# Benchmarks

Measured by \`npm run bench\` (\`bench/run.js\`) on ${new Date().toISOString().slice(0, 10)}.
Machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}.
The load generator (autocannon, in the bench process) and the server share these ${cpus().length} cores (and, for
PostgreSQL, with the database server too), so absolute numbers are pessimistic; the ratio to the bare
\`node:http\` ceiling of the same run is the number to compare. Events are about
${Math.round(Buffer.byteLength(oneEvent) / 100) / 10} KB of JSON; every acknowledgement waits for the commit (SQLite: WAL with
\`synchronous=FULL\`; PostgreSQL 18 from the \`embedded-postgres\` package, default settings, \`synchronous_commit=on\`).
Each load phase runs ${SECONDS} s. Results read "verdict for SQLite / verdict for PostgreSQL".
The Limits section, measured in the same run, says what the stores and the parser can do alone with
the same events; the Ingest table gives each ingest figure as a ratio to the limit that bounds it.

## Ingest

| measurement | SQLite | PostgreSQL | target | |
| --- | --- | --- | --- | --- |
| bare \`node:http\` ceiling (parse body, reply), 50 connections | ${Math.round(results.bare)} req/s | | | |
${both(
  '`POST /api/v1/events`, 50 keep-alive connections',
  (x) =>
    `${Math.round(x.single.rps)} events/s (p50 ${x.single.p50} ms, p99 ${x.single.p99} ms), ${pct(x.single.rps, results.bare)} of the ceiling`,
  '≥ 60% of the ceiling',
  (x) => x.single.rps >= 0.6 * results.bare,
)}
${both(
  '`POST /api/v1/events/batch`, 1,000 events per request, 4 connections',
  (x) => `${Math.round(x.batch.eps)} events/s`,
  '≥ 100,000 events/s',
  (x) => x.batch.eps >= 100_000,
)}
${ingestRatioRows(
  {
    sqlite: { single: S.single.rps, batch: S.batch.eps },
    postgres: { single: P.single.rps, batch: P.batch.eps },
  },
  limits.limits,
)}
${both(`loading ${S.load.events.toLocaleString('en-US')} events (batches of 1,000, 3 clients)`, (x) => `${x.load.seconds.toFixed(1)} s (${Math.round(rate(x))} events/s)`, '')}
${both(
  'largest full-text index lag during that load (sampled each second)',
  (x) => `${x.maxLag.search} events, about ${(x.maxLag.search / rate(x)).toFixed(1)} s`,
  '≤ 2 s',
  (x) => x.maxLag.search / rate(x) <= 2,
)}
${both(
  'peak server RSS while ingesting',
  (x) => `${maxRss(x)} MB`,
  '≤ 300 MB',
  (x) => maxRss(x) <= 300,
)}

Non-2xx answers during the ingest runs: ${S.single.non2xx + S.batch.non2xx + P.single.non2xx + P.batch.non2xx}. On PostgreSQL the
rollups are written in the append transaction, so they never trail; its search index follows the
append (ADR 0012), and searches match what it has not reached directly.

### Where an event's time goes (SQLite)

Each stage alone, in-process on one thread, over 50,000 events in transactions of 1,000:

| stage | thread | µs per event |
| --- | --- | --- |
| JSON parse, validate, normalize | event loop | ${results.stages.parse.toFixed(1)} |
| secret redaction (names, key formats, assignments) | event loop | ${results.stages.redact.toFixed(1)} |
| append (row, 7 indexes, tags, agents, rollups folded in memory; one fsync per 1,000) | writer | ${results.stages.append.toFixed(1)} |
| rollups (written from the fold every 2,000 events; the fold itself is in the append) | writer | ${results.stages.roll.toFixed(1)} |
| full-text index | writer | ${results.stages.index.toFixed(1)} |
| outbox rows, three webhooks subscribed to \`action.logged\` (measured apart: see "Events out") | writer | ${(eventsOut.stage.subscribed - eventsOut.stage.plain).toFixed(1)} |

The writer's share, ${(results.stages.append + results.stages.roll + results.stages.index).toFixed(0)} µs per event, bounds sustained ingest
at about ${Math.round(1e6 / (results.stages.append + results.stages.roll + results.stages.index)).toLocaleString('en-US')} events/s on one core before HTTP; the event loop's share bounds it at about
${Math.round(1e6 / (results.stages.parse + results.stages.redact)).toLocaleString('en-US')} events/s. With the load generator on the same two cores, the batch figure above is
what is left. Single events add HTTP, authentication and one commit round trip per group; under 50
connections a group holds about 25 events. Beside these stages, the store alone (Limits, below) writes
the row, the \`events\` indexes and the full-text entry in ${limits.limits.sqlite.search.us.toFixed(1)} µs per event, and \`normalizeEvent\` alone
takes ${limits.limits.parse.validate.toFixed(1)} µs of CPU and \`JSON.parse\` of a batch ${limits.limits.parse.batch.toFixed(1)} µs per event.

${limits.markdown}
## Queries at ${S.load.events.toLocaleString('en-US')} events over 30 days

Sequential requests over HTTP on one connection; the times (p50 / p95) include HTTP and JSON encoding of 50 full events.

| query | SQLite | PostgreSQL | target (p95) | |
| --- | --- | --- | --- | --- |
${queryRow('filtered page (`agent=…&limit=50`)', 'page', 20)}
${queryRow('filtered page (`agent, status=error, from`)', 'filtered', 20)}
${queryRow(`keyword search, rare word (${Math.ceil(S.load.events / 97_000)} hits)`, 'rare', 20)}
${queryRow('keyword search, common word', 'common', 20)}
${queryRow('`/api/v1/stats?days=30`', 'stats', 25)}
${queryRow('conversations page (`/api/v1/conversations?limit=50`, pages 1 to 20)', 'conversations', 20)}
${queryRow('conversations page of one agent (`agent=…&limit=50`)', 'agentConversations', 20)}

\`/api/v1/stats\` answers three products in one response (the native stats, Logwick's fields and AgentLedger's dashboard); AgentLedger's fields add a read of today and one of the last 24 hours by hour, which is most of its time beyond the native answer alone.

Peak server RSS while answering queries: ${S.queryRss} MB (SQLite), ${P.queryRss} MB (PostgreSQL; the database server's memory is not counted).

## Reproduce

\`\`\`sh
npm run bench                                  # full run, about 5 minutes
BENCH_EVENTS=100000 BENCH_SECONDS=5 npm run bench   # quicker
node bench/run.js --only control               # after npm run build: one section (sdk, control, events-out, alerts, otlp, integrity, limits) again, replaced in place
BENCH_LIMIT_EVENTS=20000 node bench/run.js --only limits   # the limits with fewer events per variant (default 100,000)
node bench/ab-ingest.js --a ../base --b .      # after npm run build in both: same-run A/B of ingest, B/A per store and phase
\`\`\`
`
// The A/B section comes from bench/ab-ingest.js, not from this run: keep it as it is.
const previous = readFileSync(join(ROOT, 'docs/benchmarks.md'), 'utf8')
const ab = /\n## A\/B[^\n]*\n[\s\S]*?(?=\n## |$)/.exec(previous)?.[0] ?? ''
writeFileSync(
  join(ROOT, 'docs/benchmarks.md'),
  `${md}\n${sdk.markdown}\n${control.markdown}\n${eventsOut.markdown}\n${alerts.markdown}\n${otlp.markdown}\n${integrity.markdown}${ab ? `\n${ab.trim()}\n` : ''}`,
)
log('wrote docs/benchmarks.md')
