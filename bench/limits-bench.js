// The limits beside the product (`node bench/run.js --only limits`, and part of `npm run bench`):
// 1. the stores alone, writing the ingest benchmark's own events as rows (SQLite: batched inserts,
//    PostgreSQL: COPY), with and without search indexing, every commit fsynced as in the product;
// 2. JSON parsing alone, and the product's validation alone, per event.
// bench/run.js reports each ingest figure as a ratio to the limit that bounds it (`ingestRatioRows`).
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { ROOT } from './cli-server.js'
import { copyField, postgresDurability, postgresVariant, sqliteVariant } from './limits-stores.js'
import { COMMON_WORD, ingestBodies } from './workload.js'

/** Events per variant (rounded to whole transactions of 1,000). Default 100,000. */
const EVENTS = Number(process.env.BENCH_LIMIT_EVENTS ?? 100_000)
const BATCH = 1_000
const ORG = 'default'

/** The SQLite variants (`sqliteVariant`'s options), each with its row in the table. */
export const SQLITE_LIMITS = {
  floor: { indexes: false, fts: false, label: 'the row alone, no secondary index (the floor)' },
  indexes: { indexes: true, fts: false, label: 'the row and the `events` indexes' },
  search: {
    indexes: true,
    fts: true,
    label:
      'the row, the `events` indexes and its full-text entry (`events_fts`, the text `searchableText` gives the indexer)',
  },
}
/** The PostgreSQL variants (`postgresVariant`'s options), each with its row in the table. */
export const POSTGRES_LIMITS = {
  copy: {
    staged: false,
    vector: false,
    gin: false,
    label: 'COPY into `events`, its indexes, an empty search vector, no GIN index',
  },
  staged: {
    staged: true,
    vector: false,
    gin: false,
    label: 'COPY into a temporary table, then INSERT … SELECT into `events`: the same, staged',
  },
  vector: {
    staged: true,
    vector: true,
    gin: false,
    label: "staged, computing the vector (`to_tsvector('simple', text)`), no GIN index",
  },
  search: {
    staged: true,
    vector: true,
    gin: true,
    label: "staged, the vector computed and the GIN index kept: the product's schema",
  },
}

const dist = (p) => import(join(ROOT, 'packages', p))

/**
 * Transactions of the batch body's events, normalized once by the product's `normalizeEvent` and
 * turned into rows by its `eventRowValues`, each time with new ids and the next seqs, as each POST of
 * that body is stored; their search text as each store's indexer makes it; their COPY text.
 */
export async function eventChunks(batchBody, now) {
  const { normalizeEvent, uuidv7 } = await dist('protocol/dist/index.js')
  const { eventRowValues } = await dist('server/dist/store/event-row.js')
  const { foldAccents, searchableText } = await dist('server/dist/store/search-text.js')
  const events = JSON.parse(batchBody).events.map((raw) => {
    const result = normalizeEvent(raw, { now })
    if (!result.ok) throw new Error('limits: a bench event failed validation')
    return result.event
  })
  const texts = events.map((e) => searchableText(e))
  const folded = texts.map((t) => copyField(foldAccents(t)))
  let seq = 1
  return {
    first: events[0],
    next() {
      const receivedAt = Date.now()
      const rows = events.map((e) =>
        eventRowValues(ORG, { ...e, id: uuidv7(receivedAt) }, seq++, receivedAt),
      )
      const lines = rows.map((r) => r.map(copyField).join('\t'))
      return {
        rows,
        texts,
        copyEmpty: lines.map((l) => `${l}\t\n`).join(''),
        copyWithText: lines.map((l, i) => `${l}\t${folded[i]}\n`).join(''),
      }
    },
  }
}

/** Events parsed and validated per measurement, after as many unmeasured: enough for the JIT. */
const PARSE_EVENTS = 50_000

/** µs per event of `JSON.parse` on each body, and of `normalizeEvent` on parsed events. */
async function parseCosts(oneEvent, batchBody, now) {
  const { normalizeEvent } = await dist('protocol/dist/index.js')
  const raws = JSON.parse(batchBody).events
  const events = PARSE_EVENTS
  const rounds = events / raws.length
  let sink = 0
  // CPU time of the process (user + system, µs): wall time on a loaded machine counts the others too.
  const perEvent = (n, fn) => {
    fn(n) // warm-up
    const t0 = process.cpuUsage()
    fn(n)
    const { user, system } = process.cpuUsage(t0)
    return (user + system) / n
  }
  const single = perEvent(events, (n) => {
    for (let i = 0; i < n; i++) sink += JSON.parse(oneEvent).tokens_input
  })
  const batch =
    perEvent(rounds, (n) => {
      for (let i = 0; i < n; i++) sink += JSON.parse(batchBody).events.length
    }) / raws.length
  const validate =
    perEvent(rounds, (n) => {
      for (let i = 0; i < n; i++)
        for (const raw of raws) if (normalizeEvent(raw, { now }).ok) sink++
    }) / raws.length
  if (sink === 0) throw new Error('limits: nothing was parsed')
  return { single, batch, validate }
}

/** Every variant written `events` times over, transaction by transaction in turn, so drift hits all alike. */
async function storeLimits(batchBody, now, pgBase, events, log) {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-limits-'))
  const variants = []
  try {
    for (const [name, spec] of Object.entries(SQLITE_LIMITS))
      variants.push({ store: 'sqlite', name, db: await sqliteVariant(dir, name, spec) })
    for (const [name, spec] of Object.entries(POSTGRES_LIMITS))
      variants.push({ store: 'postgres', name, db: await postgresVariant(pgBase, name, spec) })
    const source = await eventChunks(batchBody, now)
    const transactions = Math.max(1, Math.round(events / BATCH))
    const ms = variants.map(() => 0)
    // One untimed transaction first: prepared statements, caches and the JIT warm.
    for (let t = -1; t < transactions; t++) {
      const chunk = source.next()
      for (let k = 0; k < variants.length; k++) {
        const i = (Math.max(t, 0) + k) % variants.length
        const took = await variants[i].db.write(chunk)
        if (t >= 0) ms[i] += took
      }
    }
    const stored = (transactions + 1) * BATCH
    const out = { events: transactions * BATCH, sqlite: {}, postgres: {} }
    for (const [i, v] of variants.entries()) {
      const spec = (v.store === 'sqlite' ? SQLITE_LIMITS : POSTGRES_LIMITS)[v.name]
      const searched = v.store === 'sqlite' ? spec.fts : spec.vector
      const check = await v.db.check(COMMON_WORD, 1)
      // Every row stored, search finding the common word only where it is indexed, text intact.
      const intact = check.input === source.first.input && check.title === source.first.title
      if (check.rows !== stored || check.found > 0 !== searched || !intact)
        throw new Error(`limits: ${v.store} ${v.name} stored what it should not`)
      const us = (ms[i] * 1000) / out.events
      out[v.store][v.name] = { us, eps: 1e6 / us, indexes: v.db.indexes }
      log(`limits ${v.store} ${v.name}: ${Math.round(1e6 / us)} events/s (${us.toFixed(1)} µs)`)
    }
    return out
  } finally {
    for (const v of variants) await v.db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Both limits; `{ markdown, limits }` for docs/benchmarks.md. `bodies` and `now` are the ingest
 * benchmark's (bench/run.js passes its own); `pgBase` a running PostgreSQL, else one is started.
 */
export async function runLimitsBench({ log, now = Date.now(), bodies, pgBase }) {
  const { oneEvent, batchBody } = bodies ?? ingestBodies(now)
  const load = loadavg()
  const parse = await parseCosts(oneEvent, batchBody, now)
  log(
    `limits JSON.parse: ${parse.single.toFixed(2)} µs single, ${parse.batch.toFixed(2)} µs batched; normalizeEvent ${parse.validate.toFixed(2)} µs`,
  )
  const postgres = pgBase ? undefined : await startEmbeddedPostgres()
  let limits
  try {
    const base = pgBase ?? postgres.url
    const settings = await postgresDurability(base)
    limits = { ...(await storeLimits(batchBody, now, base, EVENTS, log)), parse, settings }
  } finally {
    await postgres?.stop()
  }
  const loadAfter = loadavg()
  return { markdown: limitsMarkdown(limits, oneEvent, batchBody, [load, loadAfter]), limits }
}

const fmt = (x) => Math.round(x).toLocaleString('en-US')
const row = (store, label, { us, eps }) =>
  `| ${store} | ${label} | ${us.toFixed(1)} | ${fmt(eps)} |`

function limitsMarkdown(limits, oneEvent, batchBody, loads) {
  const { sqlite, postgres, parse, settings } = limits
  const avg = (l) => l.map((x) => x.toFixed(2)).join(' / ')
  const sized = process.env.BENCH_LIMIT_EVENTS ? `BENCH_LIMIT_EVENTS=${EVENTS} ` : ''
  const command = process.argv.includes('--only')
    ? `${sized}node bench/run.js --only limits`
    : `${sized}npm run bench`
  const machine = `${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`
  const perEvent = (us) => `| ${us.toFixed(2)} | ${fmt(1e6 / us)} |`
  return `## Limits

Measured by \`${command}\` (\`bench/limits-bench.js\`, also part of \`npm run bench\`) on ${new Date().toISOString().slice(0, 10)}, on ${machine}; ${limits.events.toLocaleString('en-US')} events per variant (\`BENCH_LIMIT_EVENTS\`, default 100,000), each from an empty table; load average ${avg(loads[0])} (1 / 5 / 15 min) before, ${avg(loads[1])} after. The yardstick for the ingest figures: the ratios in the Ingest table divide each by the limit that bounds it, measured in the same run (a section run alone measures the limits only). Where the rest of an event's time goes, stage by stage, is the table under "Where an event's time goes (SQLite)".

**The stores alone**: the ingest benchmark's 1,000-event batch body (\`bench/workload.js\`, seed 1), validated once by the product's \`normalizeEvent\` and turned into rows by its \`eventRowValues\`, written over and over with new ids and the next \`seq\`s, as each request of that body is stored; the real \`events\` table from the real migrations; transactions of 1,000; no HTTP, no validation, no tags, agents, rollups, outbox or log. Building the rows, the search text and the COPY text is outside the timed part, which is each transaction from \`BEGIN\` to the end of its \`COMMIT\` (wall time). Every commit is fsynced: SQLite in WAL with \`synchronous = FULL\` (\`openSqliteDb\`, as the server opens it); PostgreSQL with \`fsync = ${settings.fsync}\`, \`synchronous_commit = ${settings.synchronous_commit}\` (\`wal_sync_method = ${settings.wal_sync_method}\`, \`full_page_writes = ${settings.full_page_writes}\`). Each variant is a fresh database with one untimed transaction first; the variants take turns transaction by transaction, so the machine's drift hits them alike. After the run each is checked: every row stored, the common word found by search exactly where search is indexed, and the first row's \`title\` and \`input\` as sent.

| store | written per event | µs per event | events/s |
| --- | --- | --- | --- |
${row('SQLite', SQLITE_LIMITS.floor.label, sqlite.floor)}
${row('SQLite', `${SQLITE_LIMITS.indexes.label} (${sqlite.indexes.indexes})`, sqlite.indexes)}
${row('SQLite', SQLITE_LIMITS.search.label, sqlite.search)}
${row('PostgreSQL', POSTGRES_LIMITS.copy.label, postgres.copy)}
${row('PostgreSQL', POSTGRES_LIMITS.staged.label, postgres.staged)}
${row('PostgreSQL', POSTGRES_LIMITS.vector.label, postgres.vector)}
${row('PostgreSQL', POSTGRES_LIMITS.search.label, postgres.search)}

The SQLite row with search writes the full-text entry in the row's own transaction, where the product indexes behind ingest in transactions of its own (\`sqlite-fts.ts\`): one fsync fewer, so the limit is if anything high. On PostgreSQL the product computes the vector inside its one INSERT (\`postgres-append.ts\`); COPY cannot call a function, hence the staged variants, and the staged one without the vector shows what the detour itself costs.

**Parsing alone** (the event loop's share before the store): \`JSON.parse\` of the ingest benchmark's bodies (${fmt(Buffer.byteLength(oneEvent))} bytes for one event, ${fmt(Buffer.byteLength(batchBody))} for the batch), and the product's validation and normalization (\`normalizeEvent\`) of already parsed events, each over ${fmt(PARSE_EVENTS)} events after as many unmeasured, on one thread; CPU time of the process (user + system), as wall time on a loaded machine counts the other processes too:

| step | CPU µs per event | events/s on one core |
| --- | --- | --- |
| \`JSON.parse\` of the single-event body ${perEvent(parse.single)}
| \`JSON.parse\` of the 1,000-event batch body, per event ${perEvent(parse.batch)}
| \`normalizeEvent\` (schema validation and normalization), per event ${perEvent(parse.validate)}
`
}

const pct = (a, b) => `${Math.round((100 * a) / b)}%`
const verdict = (ok) => (ok ? 'met' : 'not met')

/**
 * The Ingest table's rows that divide each ingest figure (events/s of `sqlite` and `postgres`, each
 * `{ single, batch }`) by the limit that bounds it, with issue 19's targets.
 */
export function ingestRatioRows({ sqlite, postgres }, limits) {
  const S = limits.sqlite.search.eps
  const [copy, search] = [limits.postgres.copy.eps, limits.postgres.search.eps]
  return [
    `| batch ingest ÷ the store alone (Limits): SQLite with its full-text index; PostgreSQL COPY without / with the search vector and GIN index | ${pct(sqlite.batch, S)} of ${fmt(S)} events/s | ${pct(postgres.batch, copy)} of ${fmt(copy)} / ${pct(postgres.batch, search)} of ${fmt(search)} events/s | SQLite ≥ 70%; PostgreSQL ≥ 20,000 events/s | ${verdict(sqlite.batch >= 0.7 * S)} / ${verdict(postgres.batch >= 20_000)} |`,
    `| single-event ingest ÷ batch ingest, same store | ${pct(sqlite.single, sqlite.batch)} | ${pct(postgres.single, postgres.batch)} | ≥ 60% / ≥ 50% | ${verdict(sqlite.single >= 0.6 * sqlite.batch)} / ${verdict(postgres.single >= 0.5 * postgres.batch)} |`,
  ].join('\n')
}
