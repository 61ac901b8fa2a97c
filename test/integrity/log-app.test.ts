import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { leafBytes } from '@agenttrail/protocol'
import { createLogger } from '@agenttrail/server'
import { runCheckpointPass } from '../../packages/server/src/jobs/checkpoints.js'
import { openLogSigner } from '../../packages/server/src/log/log-signer.js'
import { eraseRange } from '../helpers/erasure.js'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

// In memory, through the response check: every answer must be one its route declares, with a body
// that matches the declared schema (so the OpenAPI document tells the truth).
describe.each(DIALECTS)('the log routes as declared (%s)', (dialect) => {
  it('answer as their specs say, and export erased events as leaves with their tombstone', async () => {
    const t = await createTestApp({}, dialect)
    const dir = mkdtempSync(join(tmpdir(), 'agenttrail-log-app-'))
    dirs.push(dir)
    const key = t.adminKey
    const none = await t.json('GET', '/api/v1/log/checkpoint', { key })
    expect(none).toMatchObject({ status: 404, body: { code: 'no_checkpoint' } })
    const posted = await t.json('POST', '/api/v1/events/batch', {
      key,
      body: {
        events: Array.from({ length: 6 }, (_, i) => ({ action: `a${i}`, input: `secret ${i}` })),
      },
    })
    const ids = (posted.body.accepted as Array<{ id: string }>).map((a) => a.id)
    const signer = await openLogSigner(t.store, {
      keyFile: join(dir, 'key.pem'),
      origin: 'audit.example.com',
    })
    const job = { store: t.store, signer, heartbeatMs: 3_600_000, logger: createLogger('silent') }
    let now = Date.now()
    expect(await runCheckpointPass({ ...job, now: () => now })).toHaveLength(1)

    const note = await t.request('GET', '/api/v1/log/checkpoint', { key })
    expect(await note.text()).toMatch(/^audit\.example\.com\/t\/org-a\n6\n/)
    for (const path of [
      '/api/v1/log/checkpoints',
      `/api/v1/events/${ids[2]}/proof`,
      `/api/v1/events/${ids[2]}/proof?tree_size=6`,
      '/api/v1/log/proof/consistency?first=2&second=6',
      '/api/v1/log/leaves?start=0&end=6',
      '/api/v1/log/keys',
      '/api/v1/log/status',
    ])
      expect((await t.json('GET', path, { key })).status, path).toBe(200)
    expect((await t.json('GET', '/.well-known/agenttrail/log-keys?org=org-a')).status).toBe(200)
    for (const [path, status] of [
      [`/api/v1/events/${ids[2]}/proof?tree_size=5`, 404],
      ['/api/v1/log/proof/consistency?first=7&second=6', 400],
      ['/api/v1/log/leaves?start=0&end=7', 400],
    ] as const)
      expect((await t.json('GET', path, { key })).status, path).toBe(status)

    // Event 3 is erased: the erasure appends its tombstone, seq 7.
    const third = (await t.store.events.get('org-a', ids[2]!))!
    const ts = Date.parse(third.ts)
    expect(await eraseRange(t.store, 'org-a', { from: ts, to: ts + 1, id: third.id })).toBe(1)
    now += 2_000
    expect(await runCheckpointPass({ ...job, now: () => now })).toHaveLength(1)

    const res = await t.request('GET', '/api/v1/log/export', { key })
    expect(res.status).toBe(200)
    const lines = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    const entries = lines.filter((l) => l.type === 'entry')
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])
    const leaves = (await t.json('GET', '/api/v1/log/leaves?start=0&end=7', { key })).body.leaves
    expect(entries[2]).toEqual({
      type: 'entry',
      seq: 3,
      leaf_hash: leaves[2].leaf_hash,
      leaf: leaves[2].leaf,
      erased_by: 7,
    })
    for (const i of [0, 1, 3, 4, 5, 6])
      expect(leafBytes(entries[i].event, Buffer.from(entries[i].salt, 'base64'))).toBe(
        leaves[i].leaf,
      )
    expect(lines.filter((l) => l.type === 'checkpoint').map((c) => c.tree_size)).toEqual([6, 7])
    await t.close()
  })
})
