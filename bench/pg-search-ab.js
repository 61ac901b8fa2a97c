// The append of one 1,000-event batch on PostgreSQL, timed for two builds in turn in one process
// (so a noisy machine slows both alike), and the search indexer's step over the same batch for the
// build that indexes behind the append (ADR 0012). One writer, one org, fsync on every commit.
//
//   node bench/pg-search-ab.js <before: server dist folder> [after: server dist folder]
//
// BENCH_BATCHES (default 40) batches per build; the first 5 warm up and are not counted.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { normalizeEvent } from '@agenttrail/protocol'
import pg from 'pg'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { normalizedBatches } from './workload.js'

const BATCHES = Number(process.env.BENCH_BATCHES ?? 40)
const WARM = 5
const BATCH = 1_000
const folder = (path) => pathToFileURL(`${resolve(path)}/`)
const builds = [
  { name: 'before', dist: folder(process.argv[2]) },
  {
    name: 'after',
    dist: process.argv[3]
      ? folder(process.argv[3])
      : new URL('../packages/server/dist/', import.meta.url),
  },
]

const postgres = await startEmbeddedPostgres()
const admin = new pg.Client({ connectionString: postgres.url })
await admin.connect()
for (const build of builds) {
  const db = `bench_${build.name}`
  await admin.query(`CREATE DATABASE ${db}`)
  const url = postgres.url.replace(/\/postgres$/, `/${db}`)
  const { openPostgresStore } = await import(
    new URL('store/postgres/postgres-store.js', build.dist)
  )
  const { enforcement } = await import(new URL('control/engine.js', build.dist))
  build.store = await openPostgresStore({ url, enforce: enforcement })
  build.append = []
  build.index = []
}

const batch = normalizedBatches(normalizeEvent, { count: 10 * BATCH, size: BATCH, orgId: 'bench' })

for (let i = 0; i < BATCHES; i++)
  for (const build of i % 2 === 0 ? builds : [...builds].reverse()) {
    const items = batch()
    let t = performance.now()
    await build.store.events.append(items)
    const appendMs = performance.now() - t
    t = performance.now()
    let indexed = 0
    for (let n = -1; n !== 0; indexed += n) n = await build.store.events.indexPending(2_000)
    const indexMs = performance.now() - t
    if (i < WARM) continue
    build.append.push(appendMs)
    if (indexed > 0) build.index.push(indexMs)
  }

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const perS = (ms) => (ms ? Math.round((BATCH / ms) * 1_000) : null)
const report = {}
for (const build of builds) {
  report[build.name] = {
    append_ms_median: Number(median(build.append).toFixed(1)),
    append_events_per_s: perS(median(build.append)),
    index_ms_median: build.index.length ? Number(median(build.index).toFixed(1)) : null,
    index_events_per_s: build.index.length ? perS(median(build.index)) : null,
  }
  await build.store.close()
}
console.log(JSON.stringify({ batches: BATCHES - WARM, batch: BATCH, ...report }, null, 2))
await admin.end()
await postgres.stop()
