// The checkpoint job's cost (`node bench/checkpoint-bench.js [orgs]`, default 1,000): on SQLite (a
// file, the writer thread, synchronous FULL), `orgs` org logs of one event each, then one pass of
// the job each: every org grown, nothing changed, one org grown by 1,000 events, every org an hour
// later (heartbeats). A pass signs every due org, then appends its checkpoints in one transaction.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './cli-server.js'

const ORGS = Number(process.argv[2] ?? 1_000)
const dist = (p) => join(ROOT, 'packages/server/dist', p)
const { openSqliteStore, enforcement, createLogger } = await import(dist('index.js'))
const { runCheckpointPass } = await import(dist('jobs/checkpoints.js'))
const { openLogSigner } = await import(dist('log/log-signer.js'))
const { normalizeEvent } = await import(join(ROOT, 'packages/protocol/dist/index.js'))

const dir = mkdtempSync(join(tmpdir(), 'agenttrail-checkpoint-bench-'))
try {
  const store = openSqliteStore({ path: join(dir, 'agenttrail.db'), enforce: enforcement })
  const event = () => normalizeEvent({ action: 'bench', input: 'hello' }, { now: Date.now() }).event
  for (let i = 0; i < ORGS; i += 100)
    await store.events.append(
      Array.from({ length: Math.min(100, ORGS - i) }, (_, k) => ({
        orgId: `org-${i + k}`,
        event: event(),
      })),
    )
  const signer = await openLogSigner(store, { keyFile: join(dir, 'key.pem'), origin: undefined })
  const logger = createLogger('silent')
  let now = Date.now()
  const pass = async (what) => {
    const started = performance.now()
    const signed = await runCheckpointPass({
      store,
      signer,
      heartbeatMs: 3_600_000,
      logger,
      now: () => now,
    })
    const ms = performance.now() - started
    console.log(`${what}: ${signed.length} checkpoints in ${ms.toFixed(1)} ms`)
  }
  await pass(`${ORGS} orgs grown`)
  now += 1_000
  await pass('nothing changed')
  for (let b = 0; b < 10; b++)
    await store.events.append(
      Array.from({ length: 100 }, () => ({ orgId: 'org-0', event: event() })),
    )
  now += 1_000
  await pass('one org grown by 1,000 events')
  now += 3_600_000
  await pass(`${ORGS} heartbeats`)
  await store.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
