// The integrity log's cost (`node bench/run.js --only integrity`, and part of `npm run bench`):
// 1. per event, in-process (SQLite, 50,000 bench events in transactions of 1,000): the leaf's
//    preparation on the event loop, and the writer's append with and without the log;
// 2. ingest with the log (B) against without (A), same run, alternating rounds (bench/ab-core.js),
//    on both stores; the budget is B/A >= 0.80.
/* global structuredClone */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, loadavg } from 'node:os'
import { join } from 'node:path'
import { abTable, measureAB } from './ab-core.js'
import { ROOT } from './cli-server.js'
import { makeEvent, rng } from './workload.js'

const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_AB_SECONDS ?? 8)
const SERVER = join(ROOT, 'bench/integrity-server.js')

/**
 * 1. µs of CPU per event (this process, user + system: on a loaded machine wall time measures the
 * other processes too): preparing leaves, and the writer's append with the log and without.
 */
export async function stageCosts() {
  const dist = (p) => join(ROOT, 'packages/server/dist', p)
  const { openSqliteDb } = await import(dist('store/sqlite/sqlite-db.js'))
  const { migrateSqlite } = await import(dist('store/sqlite/sqlite-migrate.js'))
  const { createSqliteWrites } = await import(dist('store/sqlite/sqlite-writes.js'))
  const { withLeaves } = await import(dist('store/log-append.js'))
  const { enforcement } = await import(dist('control/engine.js'))
  const { normalizeEvent } = await import(join(ROOT, 'packages/protocol/dist/index.js'))
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-integrity-stage-'))
  const rand = rng(7)
  const now = Date.now()
  const batches = Array.from({ length: 50 }, () =>
    Array.from({ length: 1_000 }, () => ({
      orgId: 'org',
      event: normalizeEvent(makeEvent(rand, now, 86_400_000), { now }).event,
    })),
  )
  const events = batches.length * 1_000
  try {
    const append = {}
    // Two databases, appended to in alternating transactions, so drift hits both alike.
    const dbs = { off: openSqliteDb(join(dir, 'off.db')), on: openSqliteDb(join(dir, 'on.db')) }
    const writes = {}
    for (const [k, db] of Object.entries(dbs)) {
      migrateSqlite(db)
      writes[k] = createSqliteWrites(db, enforcement, k === 'on')
      append[k] = 0
    }
    withLeaves(batches[0].map((i) => ({ ...i }))) // the JIT warms up on a copy
    let [prepare, cloneWith, cloneWithout] = [0, 0, 0]
    const cpu = (since) => {
      const { user, system } = process.cpuUsage(since)
      return user + system
    }
    batches.forEach((batch, i) => {
      // Each batch prepared right before its append, as the store's entry point does.
      let t = process.cpuUsage()
      const prepared = withLeaves(batch)
      prepare += cpu(t)
      // What the writer thread is handed is a structured clone, as the store's entry point posts it:
      // flat strings, where the prepared ones here are still ropes of their pieces.
      t = process.cpuUsage()
      const sent = { on: structuredClone(prepared) }
      cloneWith += cpu(t)
      t = process.cpuUsage()
      sent.off = structuredClone(batch)
      cloneWithout += cpu(t)
      for (const k of i % 2 ? ['on', 'off'] : ['off', 'on']) {
        t = process.cpuUsage()
        writes[k].append(sent[k])
        append[k] += cpu(t)
      }
    })
    for (const db of Object.values(dbs)) db.close()
    return {
      events,
      prepare: prepare / events,
      clone: (cloneWith - cloneWithout) / events,
      appendOff: append.off / events,
      appendOn: append.on / events,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Both; `{ markdown, ratios }` for docs/benchmarks.md. */
export async function runIntegrityBench({ log, stores = ['sqlite', 'postgres'] }) {
  const stage = await stageCosts()
  log(
    `integrity (CPU µs/event): prepare ${stage.prepare.toFixed(1)} (event loop), clone +${stage.clone.toFixed(1)}; append ${stage.appendOff.toFixed(1)} → ${stage.appendOn.toFixed(1)} (writer)`,
  )
  const load = loadavg()
  const results = await measureAB({
    variants: {
      A: { cli: SERVER, env: { BENCH_INTEGRITY: 'off' } },
      B: { cli: SERVER, env: { BENCH_INTEGRITY: 'on' } },
    },
    rounds: ROUNDS,
    seconds: SECONDS,
    stores: new Set(stores),
    log,
  })
  const loadAfter = loadavg()
  const ab = abTable(results, log)
  const worst = Math.min(...Object.values(ab.ratios))
  const f = (x) => x.toFixed(1)
  const markdown = `## Integrity log

Measured by \`node bench/run.js --only integrity\` (\`bench/integrity-bench.js\`) on ${new Date().toISOString().slice(0, 10)}, on the machine above; load average ${load.map((x) => x.toFixed(2)).join(' / ')} (1 / 5 / 15 min) before, ${loadAfter.map((x) => x.toFixed(2)).join(' / ')} after.

**Per event, in-process** (SQLite, ${stage.events.toLocaleString('en-US')} bench events in transactions of 1,000; CPU time of the process, user + system, as wall time on a loaded machine counts the other processes too; the append's fsyncs are not in it):

| stage | thread | CPU µs per event |
| --- | --- | --- |
| leaf preparation: field commitments, JCS of the committed event (\`prepareLeaf\`) | event loop | ${f(stage.prepare)} |
| the prepared leaf's share of the structured clone to the writer thread | event loop | ${f(stage.clone)} |
| append without the log | writer | ${f(stage.appendOff)} |
| append with the log (finish the leaf, hash it, frontier, leaf and node rows, the salt in the event's row, the head in the org's) | writer | ${f(stage.appendOn)} |

**Ingest with the log** (B) against without (A), same run, ${ROUNDS} alternating rounds of ${SECONDS} s per phase, both from \`bench/integrity-server.js\` (the server with the store option \`log\` on or off). The issue's budget is B/A ≥ 0.80 (${worst >= 0.8 ? 'met' : 'not met'}: lowest ${worst.toFixed(3)}).

${ab.markdown}
`
  return { markdown, ratios: ab.ratios, stage }
}
