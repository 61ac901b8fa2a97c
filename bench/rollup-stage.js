// The SQLite writer's CPU per event for rollups, in process, one thread, same run: the set-based SQL
// roller (14 INSERT ... SELECT ... GROUP BY over the events since its cursor) against the fold in
// memory (sqlite-rollup-fold.ts), written behind the append or inside it. 50,000 events from
// workload.js, their times spread at random over one day (as in run.js's stage table; nearly every
// event then starts its own hourly latency row) or over `spread` ms, appended in transactions of
// 1,000 and of 5, with fsync on every append.
// Medians of `rounds` runs (default 3). Run `npm run build` first; then
// `node bench/rollup-stage.js [events] [spread] [rounds] [sizes, default 1000,5]`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeEvent, rng } from './workload.js'

const ROOT = new URL('..', import.meta.url).pathname
const dist = (path) => import(join(ROOT, 'packages/server/dist', path))
const { normalizeEvent } = await import(join(ROOT, 'packages/protocol/dist/index.js'))
const { openSqliteDb, withoutFsync } = await dist('store/sqlite/sqlite-db.js')
const { migrateSqlite } = await dist('store/sqlite/sqlite-migrate.js')
const { createSqliteAppender } = await dist('store/sqlite/sqlite-append.js')
const { createSqliteControlOps } = await dist('store/sqlite/sqlite-control-ops.js')
const { createSqliteRollupFold, FOLD_FLUSH_EVENTS } = await dist(
  'store/sqlite/sqlite-rollup-fold.js',
)
const { createSqliteRoller } = await dist('store/sqlite/sqlite-rollups.js')
const { enforcement } = await dist('control/engine.js')

const DAY = 86_400_000
const N = Number(process.argv[2] ?? 50_000)
const SPREAD = Number(process.argv[3] ?? DAY)
const now = Date.now()
const rand = rng(3)
const events = Array.from(
  { length: N },
  () => normalizeEvent(makeEvent(rand, now, SPREAD), { now }).event,
)
/** CPU time of this process in µs (the only busy thread). */
const cpu = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}

/**
 * One run over a fresh database: `mode` 'sql' (append, then the SQL roller every FOLD_FLUSH_EVENTS
 * events), 'behind' (folded in the append, written every FOLD_FLUSH_EVENTS events in a transaction
 * of its own, as the writer's idle turns do) or 'inside' (folded and written in each append's
 * transaction). Returns CPU µs per event: the append, the rollups, and their sum.
 */
function run(mode, size) {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-rollup-stage-'))
  const db = openSqliteDb(join(dir, 'stage.db'))
  migrateSqlite(db)
  // Checkpoints between rounds, untimed: SQLite's own would land in whichever commit crosses 1,000
  // pages, appends' or rollups' by chance.
  db.pragma('wal_autocheckpoint = 0')
  db.prepare('INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)').run('default', 'd', now)
  const fold = createSqliteRollupFold(db)
  let rollups = 0
  const timedFold = (inserted) => {
    const t = cpu()
    fold.add(inserted)
    rollups += cpu() - t
  }
  const append = createSqliteAppender(
    db,
    createSqliteControlOps(db),
    enforcement,
    true,
    mode === 'sql' ? undefined : timedFold,
  )
  const roll = createSqliteRoller(db)
  const write = (fn) => {
    const t = cpu()
    fn()
    rollups += cpu() - t
  }
  const inside = db.transaction((items) => {
    append(items)
    write(() => fold.write())
  })
  const t0 = cpu()
  let checkpoints = 0
  let unwritten = 0
  for (let i = 0; i < N; i += size) {
    const items = events.slice(i, i + size).map((event) => ({ orgId: 'default', event }))
    if (mode === 'inside') inside(items)
    else append(items)
    unwritten += items.length
    if (unwritten >= FOLD_FLUSH_EVENTS || i + size >= N) {
      unwritten = 0
      if (mode === 'sql') write(() => withoutFsync(db, () => roll(N)))
      if (mode === 'behind') write(() => withoutFsync(db, () => fold.write()))
      const t = cpu()
      db.pragma('wal_checkpoint(TRUNCATE)')
      checkpoints += cpu() - t
    }
  }
  const total = (cpu() - t0 - checkpoints) / N
  const rolled = db.prepare("SELECT value FROM meta WHERE key = 'rollup_rowid'").get().value
  if (rolled !== N) throw new Error(`${mode}: the cursor is at ${rolled}, not ${N}`)
  const rows = db
    .prepare(
      `SELECT (SELECT count(*) FROM rollups) AS rollups, (SELECT count(*) FROM latency_rollups) AS latency,
        (SELECT sum(events * (bucket % 7)) FROM rollups) + (SELECT sum(events * latency) FROM latency_rollups) AS check_sum`,
    )
    .get()
  db.close()
  rmSync(dir, { recursive: true, force: true })
  return { append: total - rollups / N, rollups: rollups / N, total, rows }
}

const ROUNDS = Number(process.argv[4] ?? 3)
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const f = (x) => x.toFixed(1).padStart(6)
console.log(
  `${N.toLocaleString('en-US')} events over ${(SPREAD / 60_000).toLocaleString('en-US')} minutes; CPU µs per event (writer thread)`,
)
console.log(`medians of ${ROUNDS} rounds; checkpoints excluded`)
console.log('transaction | rollups by                           | append | rollups |  total')
for (const size of (process.argv[5] ?? '1000,5').split(',').map(Number)) {
  const modes = [
    ['sql', 'SQL roller, every 2,000 events'],
    ['behind', 'fold, written every 2,000 events'],
    ['inside', 'fold, written in each append'],
  ]
  // Rounds interleave the modes, so that a busy spell on the machine spreads over all of them,
  const runs = Object.fromEntries(modes.map(([mode]) => [mode, []]))
  // and each round starts with a different mode, so that no mode always follows the same one.
  for (let round = 0; round < ROUNDS; round++)
    for (let i = 0; i < modes.length; i++) {
      const [mode] = modes[(round + i) % modes.length]
      runs[mode].push(run(mode, size))
    }
  const results = {}
  for (const [mode, label] of modes) {
    const all = runs[mode]
    const r = {
      append: median(all.map((x) => x.append)),
      rollups: median(all.map((x) => x.rollups)),
      total: median(all.map((x) => x.total)),
      rows: all[0].rows,
    }
    results[mode] = r
    console.log(
      `${String(size).padStart(11)} | ${label.padEnd(36)} | ${f(r.append)} | ${f(r.rollups)}  | ${f(r.total)}`,
    )
  }
  const same = (a, b) => JSON.stringify(a.rows) === JSON.stringify(b.rows)
  if (!same(results.sql, results.behind) || !same(results.sql, results.inside))
    throw new Error(`rollups differ: ${JSON.stringify(results)}`)
  console.log(
    `${String(size).padStart(11)} | the same rows each way: ${results.sql.rows.rollups} rollups, ${results.sql.rows.latency} latency`,
  )
}
