import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { leafBytes, parseLeaf, verifyConsistency, verifyInclusion } from '@agenttrail/protocol'
import type { NoteKey } from '@agenttrail/protocol'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { b64, hashOfLeaf, logClient, openCheckpoint } from './log-client.js'

const ORG = 'org-log'

describe.each(['sqlite', 'postgres'] as const)('the integrity log routes (%s)', (dialect) => {
  let live: LiveServer
  let log: ReturnType<typeof logClient>
  let keys: NoteKey[]
  const ids: string[] = []
  /** Sizes of the growth checkpoints waited for, one per batch. */
  const sizes: number[] = []

  beforeAll(async () => {
    live = await startLiveServer(dialect)
    log = logClient(live.url, await live.key(ORG, ['ingest', 'read']))
    // Three batches, each waited for, so the log has at least three growth checkpoints.
    for (const [batch, n] of [7, 12, 5].entries()) {
      const events = Array.from({ length: n }, (_, i) => ({
        agent: 'ledger-bot',
        kind: 'tool_call',
        action: `step-${batch}-${i}`,
        input: { query: `row ${i}`, email: 'someone@example.com' },
        output: 'done',
        user: 'someone@example.com',
        metadata: { ticket: `T-${i}`, note: 'private' },
        tags: ['batch'],
      }))
      ids.push(...(await log.ingest(events)))
      sizes.push(ids.length)
      await log.checkpointOf(ids.length)
    }
    keys = await log.keys()
  }, 120_000)
  afterAll(async () => live?.close())

  it('publishes the key, and the latest checkpoint verifies with it', async () => {
    expect(keys).toHaveLength(1)
    const res = await log.get('/api/v1/log/checkpoint')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    const opened = openCheckpoint(res.body, keys)
    expect(opened.verified).toBe(true)
    expect(opened.checkpoint.size).toBe(ids.length)
    expect(opened.checkpoint.origin).toMatch(new RegExp(`^agenttrail-[0-9a-f]{8}/t/${ORG}$`))
    // The key name is the origin; the well-known path gives the same list without a key.
    const listed = (await log.get('/api/v1/log/keys')).body
    expect(listed.keys[0]).toMatchObject({ name: opened.checkpoint.origin, algorithm: 'ed25519' })
    expect(listed.keys[0].not_after).toBeNull()
    const wellKnown = await log.get(`/.well-known/agenttrail/log-keys?org=${ORG}`, false)
    expect(wellKnown.status).toBe(200)
    expect(wellKnown.body).toEqual(listed)
    // Tampering with the body breaks the signature.
    const forged = res.body.replace(`\n${ids.length}\n`, `\n${ids.length + 1}\n`)
    expect(openCheckpoint(forged, keys).verified).toBe(false)
  })

  it('lists every checkpoint, each signed, growing, consistent with every earlier one', async () => {
    const res = await log.get('/api/v1/log/checkpoints?limit=1000')
    expect(res.status).toBe(200)
    const list = res.body.checkpoints as Array<{
      tree_size: number
      root_hash: string
      note: string
      kind: string
    }>
    expect(list.length).toBeGreaterThanOrEqual(3)
    for (const size of sizes) expect(list.map((c) => c.tree_size)).toContain(size)
    for (const c of list) {
      const opened = openCheckpoint(c.note, keys)
      expect(opened.verified).toBe(true)
      expect(opened.checkpoint.size).toBe(c.tree_size)
      expect(opened.checkpoint.root.toString('base64')).toBe(c.root_hash)
    }
    for (let i = 0; i < list.length; i++)
      for (let j = i; j < list.length; j++) {
        const [a, b] = [list[i]!, list[j]!]
        const proof = await log.get(
          `/api/v1/log/proof/consistency?first=${a.tree_size}&second=${b.tree_size}`,
        )
        expect(proof.status).toBe(200)
        expect(proof.body).toMatchObject({ first: a.tree_size, second: b.tree_size })
        const ok = verifyConsistency(
          a.tree_size,
          b.tree_size,
          b64(a.root_hash),
          b64(b.root_hash),
          proof.body.hashes.map(b64),
        )
        expect(ok, `${a.tree_size} -> ${b.tree_size}`).toBe(true)
      }
    // Pages: a cursor continues where the page ended; after_size skips the smaller ones.
    const first = await log.get('/api/v1/log/checkpoints?limit=1')
    expect(first.body.checkpoints).toHaveLength(1)
    const second = await log.get(
      `/api/v1/log/checkpoints?limit=1000&cursor=${first.body.next_cursor}`,
    )
    expect(second.body.checkpoints).toEqual(list.slice(1))
    const later = await log.get(`/api/v1/log/checkpoints?after_size=${sizes[0]}`)
    expect(later.body.checkpoints.every((c: any) => c.tree_size > sizes[0]!)).toBe(true)
  })

  it('proves every event included in every checkpoint that covers it', async () => {
    const leaves = (await log.get(`/api/v1/log/leaves?start=0&end=${ids.length}`)).body.leaves
    expect(leaves).toHaveLength(ids.length)
    for (const [i, id] of ids.entries()) {
      for (const size of sizes.filter((s) => s > i)) {
        const res = await log.get(`/api/v1/events/${id}/proof?tree_size=${size}`)
        expect(res.status).toBe(200)
        const proof = res.body
        expect(proof).toMatchObject({ leaf_index: i, tree_size: size })
        expect(proof.leaf).toBe(leaves[i].leaf)
        expect(proof.leaf_hash).toBe(hashOfLeaf(proof.leaf))
        const { checkpoint, verified } = openCheckpoint(proof.checkpoint, keys)
        expect(verified).toBe(true)
        expect(checkpoint.size).toBe(size)
        const ok = verifyInclusion(
          b64(proof.leaf_hash),
          i,
          size,
          proof.hashes.map(b64),
          checkpoint.root,
        )
        expect(ok, `event ${i} in ${size}`).toBe(true)
        // The same proof for another index fails.
        if (size > 1)
          expect(
            verifyInclusion(
              b64(proof.leaf_hash),
              (i + 1) % size,
              size,
              proof.hashes.map(b64),
              checkpoint.root,
            ),
          ).toBe(false)
      }
      // Without tree_size: the latest checkpoint.
      const latest = await log.get(`/api/v1/events/${id}/proof`)
      expect(latest.body.tree_size).toBe(ids.length)
    }
  })

  it('serves the leaves as committed: the event with seq, personal fields as commitments', async () => {
    const res = await log.get(`/api/v1/log/leaves?start=2&end=${ids.length}`)
    expect(res.status).toBe(200)
    expect(res.body.leaves).toHaveLength(ids.length - 2)
    for (const [k, l] of (
      res.body.leaves as Array<{ seq: number; leaf: string; leaf_hash: string }>
    ).entries()) {
      expect(l.seq).toBe(k + 3)
      expect(l.leaf_hash).toBe(hashOfLeaf(l.leaf))
      const { event } = parseLeaf(l.leaf) as { event: Record<string, any> }
      expect(event.seq).toBe(l.seq)
      expect(event.id).toBe(ids[k + 2])
      expect(l.leaf).not.toContain('someone@example.com')
      expect(event.user).toHaveProperty('$commit')
    }
  })

  it('reports the status of the log', async () => {
    const res = await log.get('/api/v1/log/status')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      tree_size: ids.length,
      trail_seq: ids.length,
      lag_events: 0,
      latest_checkpoint: { tree_size: ids.length },
    })
    expect(res.body.key_id).toBe(keys[0]!.keyId.toString('hex'))
  })

  it('exports the log verifiably: every event with its salt, every checkpoint with its proof', async () => {
    const res = await log.get('/api/v1/log/export')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    const lines = (res.body as string)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    const [header, ...rest] = lines
    expect(header).toMatchObject({
      type: 'header',
      format: 'agenttrail-log-export/1',
      org_id: ORG,
      tree_size: ids.length,
    })
    const keyLines = rest.filter((l) => l.type === 'key')
    expect(keyLines.map((k) => k.vkey)).toEqual(
      (await log.get('/api/v1/log/keys')).body.keys.map((k: any) => k.vkey),
    )
    const entries = rest.filter((l) => l.type === 'entry')
    expect(entries.map((e) => e.seq)).toEqual(ids.map((_, i) => i + 1))
    const leaves = (await log.get(`/api/v1/log/leaves?start=0&end=${ids.length}`)).body.leaves
    for (const [i, e] of entries.entries()) {
      expect(e.event.id).toBe(ids[i])
      expect(e.leaf_hash).toBe(leaves[i].leaf_hash)
      // The event as the API gives it and its salt make the leaf again, byte for byte.
      expect(leafBytes(e.event, b64(e.salt))).toBe(leaves[i].leaf)
      expect((await log.get(`/api/v1/events/${ids[i]}`)).body).toMatchObject(e.event)
    }
    const checkpoints = rest.filter((l) => l.type === 'checkpoint')
    const listed = (await log.get('/api/v1/log/checkpoints?limit=1000')).body.checkpoints
    expect(checkpoints.map((c) => c.note)).toEqual(
      listed.filter((c: any) => c.tree_size <= ids.length).map((c: any) => c.note),
    )
    let previous: { size: number; root: Uint8Array } = { size: 0, root: Buffer.alloc(0) }
    for (const c of checkpoints) {
      const { checkpoint, verified } = openCheckpoint(c.note, keys)
      expect(verified).toBe(true)
      if (previous.size > 0)
        expect(
          verifyConsistency(
            previous.size,
            checkpoint.size,
            previous.root,
            checkpoint.root,
            c.consistency.map(b64),
          ),
        ).toBe(true)
      else expect(c.consistency).toEqual([])
      previous = { size: checkpoint.size, root: checkpoint.root }
    }
    expect(lines.at(-1)).toEqual({ type: 'end', entries: ids.length })
    // Order: header, keys, entries, checkpoints, end.
    expect(lines.map((l) => l.type).join(',')).toMatch(/^header,(key,)+(entry,)+(checkpoint,)+end$/)
  })

  it('answers bad input with a status, a code and a message', async () => {
    const id = ids[3]!
    const cases: Array<[string, number, string]> = [
      [`/api/v1/events/${id}/proof?tree_size=abc`, 400, 'invalid_query'],
      [`/api/v1/events/${id}/proof?tree_size=-1`, 400, 'invalid_query'],
      [`/api/v1/events/${id}/proof?tree_size=1.5`, 400, 'invalid_query'],
      [`/api/v1/events/${id}/proof?tree_size=99999999999999999999`, 400, 'invalid_query'],
      [`/api/v1/events/${id}/proof?tree_size=3`, 400, 'invalid_query'],
      [`/api/v1/events/${id}/proof?tree_size=${ids.length - 1}`, 404, 'not_checkpointed'],
      ['/api/v1/events/01890000-0000-7000-8000-000000000000/proof', 404, 'not_found'],
      [`/api/v1/log/proof/consistency?first=${sizes[1]}&second=${sizes[0]}`, 400, 'invalid_query'],
      [`/api/v1/log/proof/consistency?first=1&second=${ids.length - 1}`, 404, 'not_checkpointed'],
      [`/api/v1/log/proof/consistency?first=1`, 400, 'invalid_query'],
      [`/api/v1/log/proof/consistency?first=x&second=${ids.length}`, 400, 'invalid_query'],
      [`/api/v1/log/proof/consistency?first=1&second=1e3`, 400, 'invalid_query'],
      ['/api/v1/log/leaves?start=5&end=5', 400, 'invalid_query'],
      ['/api/v1/log/leaves?start=6&end=5', 400, 'invalid_query'],
      ['/api/v1/log/leaves?start=0&end=1001', 400, 'invalid_query'],
      [`/api/v1/log/leaves?start=0&end=${ids.length + 1}`, 400, 'invalid_query'],
      ['/api/v1/log/leaves?start=0', 400, 'invalid_query'],
      ['/api/v1/log/checkpoints?limit=0', 400, 'invalid_query'],
      ['/api/v1/log/checkpoints?cursor=abc', 400, 'invalid_query'],
      ['/api/v1/log/checkpoints?after_size=-2', 400, 'invalid_query'],
      ['/.well-known/agenttrail/log-keys', 400, 'invalid_query'],
    ]
    for (const [path, status, code] of cases) {
      const res = await log.get(path, !path.startsWith('/.well-known'))
      expect(res.status, path).toBe(status)
      expect(res.body.code, path).toBe(code)
      expect(res.body.error, path).toMatch(/\w{4,}/)
    }
    // Without a key: 401; another org sees nothing of this one.
    expect((await log.get('/api/v1/log/checkpoint', false)).status).toBe(401)
    const other = logClient(live.url, await live.key('org-empty', ['read']))
    for (const path of ['/api/v1/log/checkpoint', '/api/v1/log/export']) {
      const res = await other.get(path)
      expect(res.status, path).toBe(404)
      expect(res.body.code, path).toBe('no_checkpoint')
    }
    const foreign = await other.get(`/api/v1/events/${id}/proof`)
    expect(foreign.body.code).toBe('not_found')
    expect((await other.get('/api/v1/log/status')).body).toMatchObject({
      tree_size: 0,
      latest_checkpoint: null,
      lag_events: 0,
    })
    // A read key does not ingest; an ingest-only key does not read the log.
    const ingestOnly = logClient(live.url, await live.key(ORG, ['ingest']))
    expect((await ingestOnly.get('/api/v1/log/checkpoint')).status).toBe(403)
  })
})
