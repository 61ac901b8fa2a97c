// PostgreSQL batch ingest in process, with the search index's lag beside it (issue 19, ADR 0012):
// three writers append 1,000-event batches of the bench workload through the store (no HTTP, no
// validation) for
// BENCH_SECONDS (default 20), while the catch-up job moves the search index on as a server does;
// then it waits for the index to catch up. A keyword search runs every second during the load.
//
//   node bench/pg-search-bench.js [path to a server dist folder]
//
// The dist argument lets the same run measure another build (an older commit's, for a before/after).
import { normalizeEvent } from '@agenttrail/protocol'
import pg from 'pg'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { COMMON_WORD, normalizedBatches } from './workload.js'

const dist = new URL(
  process.argv[2] ? `file://${process.argv[2].replace(/\/?$/, '/')}` : '../packages/server/dist/',
  import.meta.url,
)
const { openPostgresStore } = await import(new URL('store/postgres/postgres-store.js', dist))
const { enforcement } = await import(new URL('control/engine.js', dist))
const { startCatchUp } = await import(new URL('jobs/catch-up.js', dist))

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const BATCH = 1_000
const ORG = 'bench'
const quiet = () => undefined
const logger = { debug: quiet, info: quiet, warn: quiet, error: (m, f) => console.error(m, f) }

const postgres = await startEmbeddedPostgres()
const store = await openPostgresStore({ url: postgres.url, enforce: enforcement })
const db = new pg.Pool({ connectionString: postgres.url, max: 2 })
db.on('error', () => undefined) // an idle client's, when the server stops
const lagOf = async () => {
  try {
    const { rows } = await db.query(
      `SELECT coalesce(sum(o.next_seq - 1 - coalesce(c.seq, 0)), 0) AS n FROM orgs o
       LEFT JOIN search_cursors c ON c.org_id = o.id`,
    )
    return Number(rows[0].n)
  } catch {
    return 0 // a build that indexes in the append: nothing trails
  }
}

const batch = normalizedBatches(normalizeEvent, { count: 20 * BATCH, size: BATCH, orgId: ORG })

// Warm up: the statements prepared, the org's row and log in place.
await store.events.append(batch())
const job = startCatchUp(store.events, { intervalMs: 250, logger })
const start = performance.now()
const deadline = start + SECONDS * 1_000
let appended = 0
const writer = async () => {
  while (performance.now() < deadline) {
    const items = batch()
    await store.events.append(items)
    appended += items.length
  }
}
let maxLag = 0
const searches = []
let loading = true
const sampler = (async () => {
  while (loading) {
    await new Promise((r) => setTimeout(r, 1_000))
    maxLag = Math.max(maxLag, await lagOf())
    const t = performance.now()
    await store.events.query(ORG, { q: COMMON_WORD }, { limit: 20 })
    searches.push(performance.now() - t)
  }
})()
await Promise.all([writer(), writer(), writer()])
const seconds = (performance.now() - start) / 1_000
loading = false
await sampler
const lagAtEnd = await lagOf()
const caughtUpStart = performance.now()
while ((await lagOf()) > 0) await new Promise((r) => setTimeout(r, 50))
const catchUp = (performance.now() - caughtUpStart) / 1_000
await job.stop()

const rate = appended / seconds
searches.sort((a, b) => a - b)
console.log(
  JSON.stringify(
    {
      build: dist.pathname,
      events: appended,
      seconds: Number(seconds.toFixed(1)),
      events_per_s: Math.round(rate),
      search_lag_max_events: maxLag,
      search_lag_max_s: Number((maxLag / rate).toFixed(2)),
      search_lag_at_end_events: lagAtEnd,
      search_caught_up_after_s: Number(catchUp.toFixed(2)),
      search_ms_median: Math.round(searches[Math.floor(searches.length / 2)] ?? 0),
      search_ms_max: Math.round(searches[searches.length - 1] ?? 0),
    },
    null,
    2,
  ),
)
await Promise.all([store.close(), db.end()])
await postgres.stop()
