// The publish stage's cost (`node bench/run.js --only events-out`, and part of `npm run bench`):
// 1. the writer's time per event for outbox rows, in-process, with three webhooks subscribed to
//    `action.logged` against none (the stage table's row), and the fan-out's;
// 2. ingest with those three webhooks against none, same run, alternating rounds (bench/ab-core.js),
//    on a server that writes the outbox but does not deliver (AGENTTRAIL_DELIVERY_WORKER=false), so
//    the ratio is the outbox's cost alone;
// 3. delivery latency from commit (the acknowledgement) to the receiver, at a steady ingest rate,
//    with the server delivering to three receivers on loopback.
import { createServer } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { KEY, abTable, measureAB } from './ab-core.js'
import { CLI, ROOT, freshDatabase, serverEnv, start, stop } from './cli-server.js'
import { quantile } from './http-load.js'
import { makeEvent, rng } from './workload.js'

const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_AB_SECONDS ?? 8)
const RATE = 100
const LATENCY_SECONDS = 10
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }

/** A receiver on loopback answering 204, calling `onBody` with each body it was sent. */
async function receiver(onBody) {
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      onBody(Buffer.concat(chunks).toString('utf8'))
      res.writeHead(204).end()
    })
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${server.address().port}/hook`, close: () => server.close() }
}

/** Subscribes one webhook per URL to `action.logged` on the server at `base`. */
async function subscribe(base, urls) {
  for (const url of urls) {
    const res = await fetch(`${base}/api/v1/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url, events: ['action.logged'], description: 'bench' }),
    })
    if (!res.ok) throw new Error(`creating a webhook answered ${res.status}: ${await res.text()}`)
  }
}

/** 1. Writer time per event (µs): appends with and without three webhooks, and the fan-out. */
export async function stageCosts() {
  const dist = (p) => join(ROOT, 'packages/server/dist', p)
  const { openSqliteDb } = await import(dist('store/sqlite/sqlite-db.js'))
  const { migrateSqlite } = await import(dist('store/sqlite/sqlite-migrate.js'))
  const { createSqliteWrites } = await import(dist('store/sqlite/sqlite-writes.js'))
  const { enforcement } = await import(dist('control/engine.js'))
  const { normalizeEvent, uuidv7 } = await import(join(ROOT, 'packages/protocol/dist/index.js'))
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-outbox-stage-'))
  const db = openSqliteDb(join(dir, 'stage.db'))
  migrateSqlite(db)
  const writes = createSqliteWrites(db, enforcement)
  const rand = rng(5)
  const now = Date.now()
  const ROUNDS = 40
  const make = () =>
    Array.from(
      { length: 1_000 },
      () => normalizeEvent(makeEvent(rand, now, 86_400_000), { now }).event,
    )
  const time = { plain: 0, subscribed: 0 }
  const ids = []
  // One org, its three webhooks switched on and off between transactions: the same org's rows and
  // indexes either way, so the difference is the outbox's alone (two orgs differ by more: where
  // their keys fall in the indexes).
  const subscribe = (on) =>
    ids.forEach((id) => writes.updateSubscription('org', 'webhook', id, { enabled: on }, now))
  const append = (variant) => {
    subscribe(variant === 'subscribed')
    const list = make()
    const t0 = performance.now()
    writes.append(list.map((event) => ({ orgId: 'org', event })))
    time[variant] += performance.now() - t0
  }
  for (let i = 0; i < 3; i++)
    ids.push(
      writes.createSubscription(
        'org',
        {
          id: uuidv7(),
          kind: 'webhook',
          channel: null,
          url: `https://receiver-${i}.example/hook`,
          secret: 'sealed',
          config: null,
          topics: ['action.logged'],
          agent_name: null,
          description: null,
        },
        0,
      ).id,
    )
  // Transactions of 1,000 events, alternated A, B then B, A, so that the file's growth and the
  // machine's drift weigh on both alike.
  for (let round = 0; round < ROUNDS; round++)
    for (const variant of round % 2 ? ['subscribed', 'plain'] : ['plain', 'subscribed'])
      append(variant)
  subscribe(true)
  // Every subscribed event announces action.logged: three deliveries each.
  const rows = ROUNDS * 1_000
  const t0 = performance.now()
  while (writes.fanOut(Date.now(), 1_000) > 0);
  const fanOut = ((performance.now() - t0) * 1000) / rows
  db.close()
  rmSync(dir, { recursive: true, force: true })
  const perEvent = (ms) => (ms * 1000) / rows
  return { plain: perEvent(time.plain), subscribed: perEvent(time.subscribed), fanOut, rows }
}

/** 3. Commit-to-receiver latency of each delivery at `RATE` single events a second. */
export async function latency(store, pgBase) {
  const acked = new Map()
  const arrivals = []
  const receivers = await Promise.all(
    [0, 1, 2].map(() =>
      receiver((body) => {
        const at = performance.now()
        const id = JSON.parse(body).data?.id
        if (id) arrivals.push({ id, at })
      }),
    ),
  )
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-outbox-latency-'))
  const db = pgBase ? await freshDatabase(pgBase, `agenttrail_latency_${process.pid}`) : undefined
  const env = { ...serverEnv(dir, db, KEY), AGENTTRAIL_OUTBOUND_ALLOW: '127.0.0.1' }
  const { proc, url } = await start([CLI, 'serve'], env)
  try {
    await subscribe(
      url,
      receivers.map((r) => r.url),
    )
    const rand = rng(9)
    const sends = []
    const t0 = performance.now()
    for (let i = 0; i < RATE * LATENCY_SECONDS; i++) {
      const due = t0 + (i * 1000) / RATE
      const wait = due - performance.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      const body = JSON.stringify(makeEvent(rand, Date.now(), 60_000))
      sends.push(
        fetch(`${url}/api/v1/events`, { method: 'POST', headers: auth, body }).then(async (res) => {
          const at = performance.now()
          const { id } = await res.json()
          acked.set(id, at)
        }),
      )
    }
    await Promise.all(sends)
    const expected = acked.size * receivers.length
    const deadline = performance.now() + 60_000
    while (arrivals.length < expected && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    const ms = arrivals
      .filter((a) => acked.has(a.id))
      .map((a) => a.at - acked.get(a.id))
      .sort((a, b) => a - b)
    return {
      store,
      deliveries: ms.length,
      expected,
      p50: quantile(ms, 0.5),
      p99: quantile(ms, 0.99),
    }
  } finally {
    await stop(proc)
    for (const r of receivers) r.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** All three; `{ markdown }` for docs/benchmarks.md. */
export async function runEventsOutBench({ log }) {
  const stage = await stageCosts()
  log(
    `outbox: append ${stage.plain.toFixed(1)} µs/event without webhooks, ${stage.subscribed.toFixed(1)} with three; fan-out ${stage.fanOut.toFixed(1)} µs per row`,
  )
  const sinks = await Promise.all([0, 1, 2].map(() => receiver(() => {})))
  const withWebhooks = {
    cli: CLI,
    env: { AGENTTRAIL_OUTBOUND_ALLOW: '127.0.0.1', AGENTTRAIL_DELIVERY_WORKER: 'false' },
    setup: (url) =>
      subscribe(
        url,
        sinks.map((s) => s.url),
      ),
  }
  let ab
  try {
    const results = await measureAB({
      variants: { A: { cli: CLI }, B: withWebhooks },
      rounds: ROUNDS,
      seconds: SECONDS,
      stores: new Set(['sqlite', 'postgres']),
      log,
    })
    ab = abTable(results, log)
  } finally {
    for (const s of sinks) s.close()
  }
  const latencies = [await latency('SQLite')]
  const postgres = await startEmbeddedPostgres()
  try {
    latencies.push(await latency('PostgreSQL', postgres.url))
  } finally {
    await postgres.stop()
  }
  for (const l of latencies)
    log(
      `latency ${l.store}: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, ${l.deliveries}/${l.expected}`,
    )
  const worst = Math.min(...Object.values(ab.ratios))
  const markdown = `## Events out

Measured by \`node bench/run.js --only events-out\` (\`bench/events-out-bench.js\`) on ${new Date().toISOString().slice(0, 10)}, on the machine above.

**Outbox rows in the writer** (SQLite, in-process, ${stage.rows.toLocaleString('en-US')} events in transactions of 1,000; the append writes one outbox row per transaction and org naming its events, and the fan-out works out what they announce):

| stage | µs per event |
| --- | --- |
| append without subscriptions | ${stage.plain.toFixed(1)} |
| append with three webhooks subscribed to \`action.logged\` | ${stage.subscribed.toFixed(1)} |
| outbox rows alone (the difference; two runs of the same build differ by a few µs) | ${(stage.subscribed - stage.plain).toFixed(1)} |
| fan-out, later, per event (reading it, three deliveries) | ${stage.fanOut.toFixed(1)} |

**Ingest with three webhooks subscribed to \`action.logged\`** (B) against none (A), same run, ${ROUNDS} alternating rounds of ${SECONDS} s per phase. B's server writes the outbox but does not deliver (\`AGENTTRAIL_DELIVERY_WORKER=false\`), so B/A is the outbox's cost alone; the target is B/A ≥ 0.90 (${worst >= 0.9 ? 'met' : 'not met'}: lowest ${worst.toFixed(3)}).

${ab.markdown}

**Delivery latency**, from the acknowledgement of an event (its commit) to a receiver on loopback, at a steady ${RATE} single events a second for ${LATENCY_SECONDS} s, three webhooks (${RATE * 3} deliveries a second), the server delivering:

| store | deliveries received | p50 | p99 |
| --- | --- | --- | --- |
${latencies.map((l) => `| ${l.store} | ${l.deliveries} of ${l.expected} | ${l.p50.toFixed(1)} ms | ${l.p99.toFixed(1)} ms |`).join('\n')}
`
  return { markdown, stage }
}
