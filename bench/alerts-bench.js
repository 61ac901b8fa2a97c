// The watch stage's cost and accuracy (`node bench/run.js --only alerts`, and part of `npm run bench`):
// 1. one evaluation pass (every anomaly detector and the error-rate spike rule) at 1,000 agents
//    with four weeks of history, on SQLite (a file) and PostgreSQL. The history is written as the
//    rollups the roller leaves (hourly and daily rows per agent and per agent and service); the
//    last quarter hour is appended as real events, which the threshold rule reads raw;
// 2. false alerts over normal weeks of seeded business-hours traffic (bench/synthetic-traffic.js),
//    ten agents from 0.2 to 3 times the rhythm, lived hour by hour through the real evaluator on
//    SQLite, against AgentLedger's documented rule (mean + 2σ of the last 168 non-empty hours,
//    50 actions) on the same hourly counts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { ROOT, freshDatabase } from './cli-server.js'
import { businessRate, syntheticFields } from './synthetic-traffic.js'
import { rng } from './workload.js'

const HOUR = 3_600_000
const DAY = 86_400_000
const WEEK = 7 * DAY
const AGENTS = 1_000
const PASSES = 5
const NORMAL_WEEKS = Number(process.env.BENCH_ALERT_WEEKS ?? 6)

const dist = (p) => join(ROOT, 'packages/server/dist', p)
const server = () => import(join(ROOT, 'packages/server/dist/index.js'))
const { normalizeEvent } = await import(join(ROOT, 'packages/protocol/dist/index.js'))

/** Hourly (and daily) rollup rows of `AGENTS` agents over the four weeks before `now`. */
function* rollupRows(now) {
  const rand = rng(11)
  const end = Math.floor(now / HOUR) * HOUR
  for (let a = 0; a < AGENTS; a++) {
    const agent = `agent-${a}`
    const scale = 0.2 + (a % 10) * 0.3
    const days = new Map()
    for (let h = end - 4 * WEEK; h < end; h += HOUR) {
      const events = Math.round(businessRate(h, scale) * (0.8 + rand() * 0.4))
      if (events === 0) continue
      const errors = Math.round(events * 0.01 * rand() * 2)
      const row = { agent, events, errors, cost: events * 2000, duration: events * 300 }
      yield { grain: 'h', bucket: h, ...row }
      const d = Math.floor(h / DAY) * DAY
      const day = days.get(d) ?? {
        grain: 'd',
        bucket: d,
        agent,
        events: 0,
        errors: 0,
        cost: 0,
        duration: 0,
      }
      day.events += events
      day.errors += errors
      day.cost += row.cost
      day.duration += row.duration
      days.set(d, day)
    }
    yield* days.values()
  }
}

const ROLLUP_INSERT = `INSERT INTO rollups (org_id, grain, dim, bucket, environment, agent, value, events, errors,
  pending, denied, duration_count, duration_sum, tokens_input, tokens_output, tokens_cache_read,
  tokens_cache_write, tokens_total, cost_micros)`

/** The last quarter hour of every agent, as real events through the store's append. */
async function appendRecent(store, now) {
  const items = []
  for (let a = 0; a < AGENTS; a++)
    for (let i = 0; i < 5; i++) {
      const ts = now - 15 * 60_000 + i * 120_000
      const fields = {
        agent: `agent-${a}`,
        service: 'openai',
        status: 'success',
        duration_ms: 300,
        ts,
      }
      items.push({ orgId: 'org', event: normalizeEvent(fields, { now: ts }).event })
    }
  for (let i = 0; i < items.length; i += 1_000) await store.events.append(items.slice(i, i + 1_000))
}

/**
 * Times evaluation passes at `now`: full ones (the hour that closed and the hour running, as the
 * first pass after each hour) and the passes in between (the hour running only).
 */
async function timePasses(store, now) {
  const { runEvaluation } = await import(dist('alerts/evaluator.js'))
  await store.alerts.listRules('org') // creates the built-in rules, once
  const { newEvaluatorMemo } = await import(dist('alerts/evaluate-org.js'))
  const time = async (memo) => {
    const t0 = performance.now()
    const pass = await runEvaluation({ store, now: () => now, memo })
    return { ms: performance.now() - t0, series: pass.series }
  }
  const full = []
  for (let i = 0; i < PASSES; i++) full.push(await time(newEvaluatorMemo()))
  const memo = newEvaluatorMemo()
  await time(memo)
  const between = []
  for (let i = 0; i < PASSES; i++) between.push(await time(memo))
  const median = (list) => list.map((x) => x.ms).sort((a, b) => a - b)[list.length >> 1]
  return {
    full: median(full),
    between: median(between),
    series: full[0].series,
    seriesBetween: between[0].series,
  }
}

async function sqliteCost(now) {
  const { openSqliteStore, enforcement } = await server()
  const { openSqliteDb } = await import(dist('store/sqlite/sqlite-db.js'))
  const { migrateSqlite } = await import(dist('store/sqlite/sqlite-migrate.js'))
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-alerts-bench-'))
  const path = join(dir, 'agenttrail.db')
  const db = openSqliteDb(path)
  migrateSqlite(db)
  const rollup = db.prepare(
    `${ROLLUP_INSERT} VALUES ('org', ?, ?, ?, 'production', ?, ?, ?, ?, 0, 0, ?, ?, 0, 0, 0, 0, 0, ?)`,
  )
  const agent = db.prepare(
    `INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros)
     VALUES ('org', 'production', ?, ?, ?, 0, 0, 0, 0)`,
  )
  db.transaction(() => {
    for (const r of rollupRows(now))
      for (const [dim, value] of [
        ['total', ''],
        ['agent_service', 'openai'],
      ])
        rollup.run(
          r.grain,
          dim,
          r.bucket,
          r.agent,
          value,
          r.events,
          r.errors,
          r.events,
          r.duration,
          r.cost,
        )
    for (let a = 0; a < AGENTS; a++) agent.run(`agent-${a}`, now - 4 * WEEK, now - HOUR)
  })()
  // The roller's cursor past what is there: the rows above are its work.
  db.prepare(
    "UPDATE meta SET value = (SELECT coalesce(max(rowid), 0) FROM events) WHERE key = 'rollup_rowid'",
  ).run()
  db.close()
  const store = await openSqliteStore({ path, enforce: enforcement })
  try {
    await appendRecent(store, now)
    return await timePasses(store, now)
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function postgresCost(now) {
  const { openPostgresStore, enforcement } = await server()
  const pgServer = await startEmbeddedPostgres()
  try {
    const url = await freshDatabase(pgServer.url, 'alerts_bench')
    const store = await openPostgresStore({ url, enforce: enforcement })
    const pg = (await import('pg')).default
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      let batch = []
      const flush = async () => {
        if (batch.length === 0) return
        const cols = (k) => batch.map((r) => r[k])
        await client.query(
          `${ROLLUP_INSERT} SELECT 'org', g, d, b, 'production', a, v, e, er, 0, 0, e, du, 0, 0, 0, 0, 0, c
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
             $8::bigint[], $9::bigint[]) AS t(g, d, b, a, v, e, er, du, c)`,
          [
            cols('grain'),
            cols('dim'),
            cols('bucket'),
            cols('agent'),
            cols('value'),
            cols('events'),
            cols('errors'),
            cols('duration'),
            cols('cost'),
          ],
        )
        batch = []
      }
      for (const r of rollupRows(now))
        for (const [dim, value] of [
          ['total', ''],
          ['agent_service', 'openai'],
        ]) {
          batch.push({ ...r, dim, value })
          if (batch.length === 20_000) await flush()
        }
      await flush()
      await client.query(
        `INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros)
         SELECT 'org', 'production', 'agent-' || i, $1, $2, 0, 0, 0, 0 FROM generate_series(0, $3 - 1) AS i`,
        [now - 4 * WEEK, now - HOUR, AGENTS],
      )
      await client.query('ANALYZE')
    } finally {
      await client.end()
    }
    try {
      await appendRecent(store, now)
      return await timePasses(store, now)
    } finally {
      await store.close()
    }
  } finally {
    await pgServer.stop()
  }
}

/** False alerts of the evaluator and of mean + 2σ over `NORMAL_WEEKS` normal weeks. */
async function falseAlerts() {
  const { openSqliteStore, enforcement } = await server()
  const { runEvaluation } = await import(dist('alerts/evaluator.js'))
  const store = await openSqliteStore({ path: ':memory:', enforce: enforcement })
  const profiles = Array.from({ length: 10 }, (_, i) => ({
    agent: `agent-${i}`,
    rate: (t) => businessRate(t, 0.2 + i * 0.31),
  }))
  const start = Date.UTC(2026, 9, 5)
  const historyEnd = start + 4 * WEEK
  const end = historyEnd + NORMAL_WEEKS * WEEK
  const counts = new Map(profiles.map((p) => [p.agent, []]))
  const hourItems = (h) => {
    const fields = syntheticFields(h, profiles, 3)
    for (const p of profiles)
      counts.get(p.agent).push(fields.filter((f) => f.agent === p.agent).length)
    return fields.map((f) => ({ orgId: 'org', event: normalizeEvent(f, { now: f.ts }).event }))
  }
  try {
    for (let d = start; d < historyEnd; d += DAY) {
      const items = []
      for (let h = d; h < d + DAY; h += HOUR) items.push(...hourItems(h))
      await store.events.append(items)
    }
    let passes = 0
    const t0 = performance.now()
    for (let h = historyEnd; h < end; h += HOUR) {
      const items = hourItems(h)
      if (items.length > 0) await store.events.append(items)
      await runEvaluation({ store, now: () => h + HOUR + 3 * 60_000 })
      passes++
    }
    const seconds = (performance.now() - t0) / 1000
    const alerts = await store.control.listAlerts('org', { all: true, limit: 200 })
    // AgentLedger's documented rule on the same hourly counts, for actions per hour.
    let twoSigma = 0
    const firstEvaluated = (historyEnd - start) / HOUR
    for (const series of counts.values())
      for (let i = firstEvaluated; i < series.length; i++) {
        const last = series.slice(i - 168, i).filter((n) => n > 0)
        const total = last.reduce((a, b) => a + b, 0)
        if (total < 50 || last.length < 2) continue
        const mean = total / last.length
        const sd = Math.sqrt(last.reduce((a, n) => a + (n - mean) ** 2, 0) / (last.length - 1))
        if (series[i] > mean + 2 * sd) twoSigma++
      }
    return {
      alerts: alerts.length,
      twoSigma,
      agents: profiles.length,
      weeks: NORMAL_WEEKS,
      passes,
      seconds,
    }
  } finally {
    await store.close()
  }
}

export async function runAlertsBench({ log }) {
  const now = Date.now()
  log(`alerts: one evaluation at ${AGENTS} agents, SQLite`)
  const sqlite = await sqliteCost(now)
  log(`alerts: one evaluation at ${AGENTS} agents, PostgreSQL`)
  const postgres = await postgresCost(now)
  log(`alerts: false alerts over ${NORMAL_WEEKS} normal weeks`)
  const fa = await falseAlerts()
  const perWeek = (n) => (n / (fa.agents * fa.weeks)).toFixed(2)
  const markdown = `## Alerts

\`node bench/run.js --only alerts\` (after \`npm run build\`); part of \`npm run bench\`.

**One evaluation pass at ${AGENTS.toLocaleString('en-US')} agents** with four weeks of history: every anomaly detector
(actions, error rate, cost per action, duration, denied rate, new services: ${sqlite.series.toLocaleString('en-US')} series judged
on the hour that closed and the hour running; ${sqlite.seriesBetween.toLocaleString('en-US')} on the hour running alone) and the error-rate
spike rule (15 minutes, read from the events). The history is written as the rollups the roller
leaves (${(AGENTS * 672).toLocaleString('en-US')} agent-hours, hourly and daily, per agent and per agent and service); the last quarter
hour is ${(AGENTS * 5).toLocaleString('en-US')} real events. Medians of ${PASSES} passes:

| store | first pass of an hour (reads four weeks of sample hours, judges the closed and the running hour) | per agent | other passes (the running hour) | per agent |
| --- | --- | --- | --- | --- |
| SQLite (file) | ${sqlite.full.toFixed(0)} ms | ${((sqlite.full * 1000) / AGENTS).toFixed(0)} µs | ${sqlite.between.toFixed(0)} ms | ${((sqlite.between * 1000) / AGENTS).toFixed(0)} µs |
| PostgreSQL | ${postgres.full.toFixed(0)} ms | ${((postgres.full * 1000) / AGENTS).toFixed(0)} µs | ${postgres.between.toFixed(0)} ms | ${((postgres.between * 1000) / AGENTS).toFixed(0)} µs |

A pass runs once a minute by default (\`AGENTTRAIL_ALERT_INTERVAL_MS\`), on one server.

**False alerts on normal traffic.** ${fa.agents} agents (0.2 to 3 times the business rhythm of
bench/synthetic-traffic.js: 60 actions an hour in weekday hours, 20 on the shoulders, 3 at night, a
quarter at weekends; 1 % failures), four weeks of history, then ${fa.weeks} normal weeks lived hour by hour
through the real evaluator (${fa.passes.toLocaleString('en-US')} passes in ${fa.seconds.toFixed(0)} s):

| rule | false alerts | per agent and week |
| --- | --- | --- |
| AgentTrail (every detector and the error-rate spike rule) | ${fa.alerts} | ${perWeek(fa.alerts)} |
| mean + 2σ of the last 168 non-empty hours, actions per hour only (AgentLedger's documented rule) | ${fa.twoSigma} | ${perWeek(fa.twoSigma)} |
`
  return { markdown, sqlite, postgres, falseAlerts: fa }
}
