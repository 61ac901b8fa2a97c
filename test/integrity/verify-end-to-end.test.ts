import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, loadConfig, rotateLogKeyOffline, startServer } from '@agenttrail/server'
import { verifyExport } from '@agenttrail/protocol'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { logClient } from './log-client.js'
import { exportLog } from '../../packages/server/src/http/routes/log-export.js'
import type { Store } from '../../packages/server/src/store/store.js'
import { runCli } from '../helpers/process.js'

// A real server, its verifiable export, and the offline verifier (`agenttrail verify`'s code): the
// export a server writes is one the verifier finds intact, with the keys pinned from the
// well-known path.
describe.each(['sqlite', 'postgres'] as const)(
  'a real export, verified offline (%s)',
  (dialect) => {
    let live: LiveServer
    let log: ReturnType<typeof logClient>
    beforeAll(async () => {
      live = await startLiveServer(dialect)
      log = logClient(live.url, await live.key('org-verify', ['ingest', 'read', 'admin']))
      let size = 0
      for (const n of [5, 9, 3]) {
        const events = Array.from({ length: n }, (_, i) => ({
          agent: 'auditor',
          kind: 'llm_call',
          input: `prompt ${i}`,
          output: { text: `answer ${i}` },
          user: `user-${i}@example.com`,
          ip_address: '203.0.113.7',
          metadata: { ticket: `T-${i}` },
        }))
        size += (await log.ingest(events)).length
        await log.checkpointOf(size)
      }
    }, 120_000)
    afterAll(async () => live?.close())

    it('is intact', async () => {
      const res = await log.get('/api/v1/log/export')
      expect(res.status).toBe(200)
      const pinned = await log.get('/.well-known/agenttrail/log-keys?org=org-verify', false)
      const report = await verifyExport((res.body as string).trimEnd().split('\n'), {
        keys: pinned.body.keys,
      })
      expect(report.problems).toEqual([])
      expect(report).toMatchObject({ ok: true, status: 'intact', entries: 17, verified_size: 17 })
      // The command an auditor runs, on the downloaded file and the well-known keys: exit 0.
      const dir = mkdtempSync(join(tmpdir(), 'agenttrail-verify-cli-'))
      try {
        writeFileSync(join(dir, 'export.jsonl'), res.body as string)
        writeFileSync(join(dir, 'keys.json'), JSON.stringify(pinned.body))
        const cli = runCli([
          'verify',
          join(dir, 'export.jsonl'),
          '--keys-file',
          join(dir, 'keys.json'),
          '--json',
        ])
        expect(cli.code, cli.stderr).toBe(0)
        expect(JSON.parse(cli.stdout)).toMatchObject({ status: 'intact', entries: 17 })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('stays intact across an erasure with its tombstone, and names what was erased', async () => {
      const store = live.server.store
      const [victim] = await store.events.since('org-verify', 3, 1)
      const ts = Date.parse(victim!.ts)
      const erasure = await store.events.erase(
        'org-verify',
        { from: ts, to: ts + 1, id: victim!.id },
        {
          reason: 'GDPR art. 17 request',
          selector: { by: 'event', event_id: victim!.id },
          requestRef: null,
          actor: 'system',
        },
      )
      expect(erasure).toMatchObject({ erased: 1, tombstones: [{ seq: 18 }] })
      await log.checkpointOf(18)
      const res = await log.get('/api/v1/log/export')
      const pinned = await log.get('/.well-known/agenttrail/log-keys?org=org-verify', false)
      const report = await verifyExport((res.body as string).trimEnd().split('\n'), {
        keys: pinned.body.keys,
      })
      expect(report.problems).toEqual([])
      expect(report).toMatchObject({ ok: true, status: 'intact', entries: 18, erased: 1 })
      // Tampering is caught: an output edited in the export.
      const edited = (res.body as string).replace('answer 1', 'answer 9')
      const bad = await verifyExport(edited.trimEnd().split('\n'), { keys: pinned.body.keys })
      expect(bad.ok).toBe(false)
    })

    it('exported right after an erasure: waits for a checkpoint covering its tombstone, or 503', async () => {
      const store = live.server.store
      const [victim] = await store.events.since('org-verify', 5, 1)
      const ts = Date.parse(victim!.ts)
      const erasure = await store.events.erase(
        'org-verify',
        { from: ts, to: ts + 1, id: victim!.id },
        {
          reason: 'GDPR art. 17 request',
          selector: { by: 'event', event_id: victim!.id },
          requestRef: null,
          actor: 'system',
        },
      )
      expect(erasure).toMatchObject({ erased: 1, tombstones: [{ seq: 19 }] })
      // No wait for the checkpoint: the latest one covers the erased leaf but not its tombstone.
      const res = await log.get('/api/v1/log/export')
      if (res.status === 503) {
        expect(res.body.code).toBe('log_export_pending')
        expect(res.headers.get('retry-after')).toBe('1')
        return
      }
      expect(res.status).toBe(200)
      const pinned = await log.get('/.well-known/agenttrail/log-keys?org=org-verify', false)
      const report = await verifyExport((res.body as string).trimEnd().split('\n'), {
        keys: pinned.body.keys,
      })
      expect(report.problems).toEqual([])
      expect(report).toMatchObject({ ok: true, status: 'intact', entries: 19, erased: 2 })
    })

    it('ends without its end line when a leaf is erased while it streams, and logs a warning', async () => {
      const store = live.server.store
      await log.checkpointOf(19)
      const [victim] = await store.events.since('org-verify', 6, 1)
      const ts = Date.parse(victim!.ts)
      let erased = false
      // The erasure commits between the export's start (tombstones read) and its page of entries.
      const racing: Store = {
        ...store,
        events: {
          ...store.events,
          async since(orgId, after, limit) {
            if (!erased) {
              erased = true
              await store.events.erase(
                orgId,
                { from: ts, to: ts + 1, id: victim!.id },
                {
                  reason: 'GDPR art. 17 request',
                  selector: { by: 'event', event_id: victim!.id },
                  requestRef: null,
                  actor: 'system',
                },
              )
            }
            return store.events.since(orgId, after, limit)
          },
        },
      }
      const lines: string[] = []
      const res = await exportLog(
        racing,
        { logOrigin: undefined },
        'org-verify',
        createLogger('warn', (line) => lines.push(line)),
      )
      const body = (await res.text()).trimEnd().split('\n')
      expect(erased).toBe(true)
      expect(body.map((l) => JSON.parse(l).type)).not.toContain('end')
      expect(body.map((l) => JSON.parse(l).type)).not.toContain('checkpoint')
      expect(lines.map((l) => JSON.parse(l))).toEqual([
        expect.objectContaining({
          level: 'warn',
          msg: 'a log export was cut short: a leaf was erased while it streamed',
          seq: 7,
        }),
      ])
      const pinned = await log.get('/.well-known/agenttrail/log-keys?org=org-verify', false)
      const report = await verifyExport(body, { keys: pinned.body.keys })
      expect(report.ok).toBe(false)
      // Cut short: the verifier says so, and the stream stopped before the leaf erased meanwhile.
      expect(report.problems.map((p) => p.code)).toContain('missing_end')
      expect(body.map((l) => JSON.parse(l).seq)).not.toContain(7)
      // The next export, once a checkpoint covers the tombstone, is intact.
      await log.checkpointOf(20)
      const again = await log.get('/api/v1/log/export')
      const intact = await verifyExport((again.body as string).trimEnd().split('\n'), {
        keys: pinned.body.keys,
      })
      expect(intact.problems).toEqual([])
      expect(intact).toMatchObject({ ok: true, erased: 3 })
    })

    it('exports a row deleted without an erasure as its bare leaf, and the verifier names it', async () => {
      const store = live.server.store
      // As if someone deleted seq 8's row and salt in the database: no tombstone covers it.
      const tampered: Store = {
        ...store,
        events: {
          ...store.events,
          async since(orgId, after, limit) {
            return (await store.events.since(orgId, after, limit)).filter((e) => e.seq !== 8)
          },
        },
        log: {
          ...store.log,
          async openings(orgId, fromSeq, toSeq) {
            const salts = await store.log.openings(orgId, fromSeq, toSeq)
            salts.delete(8)
            return salts
          },
        },
      }
      const res = await exportLog(
        tampered,
        { logOrigin: undefined },
        'org-verify',
        createLogger('silent'),
      )
      const body = (await res.text()).trimEnd().split('\n')
      const entry = body.map((l) => JSON.parse(l)).find((l) => l.type === 'entry' && l.seq === 8)
      expect(entry).toEqual({
        type: 'entry',
        seq: 8,
        leaf_hash: expect.any(String),
        leaf: expect.any(String),
      })
      expect(JSON.parse(body.at(-1)!).type).toBe('end')
      const pinned = await log.get('/.well-known/agenttrail/log-keys?org=org-verify', false)
      const report = await verifyExport(body, { keys: pinned.body.keys })
      expect(report.ok).toBe(false)
      expect(report.problems).toEqual([
        expect.objectContaining({ code: 'erased_without_tombstone', seq: 8 }),
      ])
    })
  },
)

describe('an export across a key rotation, verified offline', () => {
  it('is intact with both keys pinned with their windows', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'agenttrail-verify-rotation-'))
    const KEY = 'at_verify_rotation_0123456789abcdef'
    const config = loadConfig({
      AGENTTRAIL_PORT: '0',
      AGENTTRAIL_DATA_DIR: dataDir,
      AGENTTRAIL_LOG_LEVEL: 'silent',
      AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0',
      AGENTTRAIL_INIT_API_KEY: KEY,
    })
    const start = () => startServer(config, { logger: createLogger('silent'), announce: () => {} })
    try {
      const first = await start()
      await logClient(first.url, KEY).ingest([{ action: 'one' }, { action: 'two' }])
      await logClient(first.url, KEY).checkpointOf(2)
      await first.close()
      await rotateLogKeyOffline(config)
      const second = await start()
      const log = logClient(second.url, KEY)
      await log.ingest([{ action: 'three' }])
      await log.checkpointOf(4)
      const res = await log.get('/api/v1/log/export')
      const pinned = await log.get('/.well-known/agenttrail/log-keys?org=default', false)
      expect(pinned.body.keys).toHaveLength(2)
      const report = await verifyExport((res.body as string).trimEnd().split('\n'), {
        keys: pinned.body.keys,
      })
      expect(report.problems).toEqual([])
      expect(report).toMatchObject({ ok: true, status: 'intact', entries: 4, verified_size: 4 })
      await second.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 120_000)
})
