import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentTrail, AgentTrailError, TrailReader } from 'agenttrail'
import {
  leafHash,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
} from '@agenttrail/protocol/integrity'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'

const ORG = 'org-sdk-log'

/** Polls until a checkpoint covers `size` events (a deadline only, no timing assertion). */
async function checkpointed(reader: TrailReader, size: number): Promise<void> {
  const deadline = Date.now() + 60_000
  while ((await reader.logStatus()).latest_checkpoint?.tree_size !== size) {
    if (Date.now() > deadline) throw new Error(`no checkpoint of ${size} events in time`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as AgentTrailError,
  )

describe('TrailReader on the integrity log, against the live server', () => {
  let live: LiveServer
  let reader: TrailReader
  const ids: string[] = []

  beforeAll(async () => {
    live = await startLiveServer('sqlite')
    reader = new TrailReader({ apiKey: await live.key(ORG, ['read']), baseUrl: live.url })
    const ingest = new TrailReader({ apiKey: await live.key(ORG, ['ingest']), baseUrl: live.url })
    for (const n of [3, 2]) {
      const answer = await ingest.request('POST', '/api/v1/events/batch', {
        body: { events: Array.from({ length: n }, (_, i) => ({ agent: 'a', action: `s${i}` })) },
      })
      ids.push(...(answer.accepted as { id: string }[]).map((a) => a.id))
      await checkpointed(reader, ids.length)
    }
  }, 120_000)
  afterAll(async () => live?.close())

  it('reads the checkpoint note, the history, the keys (also as published) and the leaves', async () => {
    const note = await reader.logCheckpoint()
    const keys = await reader.logKeys()
    expect(keys).toHaveLength(1)
    const opened = openNote(
      note,
      keys.map((k) => parseVerifierKey(k.vkey)),
    )
    expect(opened.signatures.every((s) => s.valid)).toBe(true)
    expect(parseCheckpoint(opened.body).size).toBe(5)
    expect(await reader.publishedLogKeys(ORG)).toEqual(keys)
    const all = await reader.logCheckpoints()
    expect(all.checkpoints.map((c) => c.tree_size)).toEqual([3, 5])
    const later = await reader.logCheckpoints({ afterSize: 3 })
    expect(later.checkpoints.map((c) => c.tree_size)).toEqual([5])
    const first = await reader.logCheckpoints({ limit: 1 })
    expect(first.next_cursor).not.toBeNull()
    const next = await reader.logCheckpoints({ limit: 1, cursor: first.next_cursor! })
    expect(next.checkpoints.map((c) => c.tree_size)).toEqual([5])
    const leaves = await reader.logLeaves(1, 4)
    expect(leaves.map((l) => l.seq)).toEqual([2, 3, 4])
    expect(leaves.every((l) => leafHash(l.leaf).toString('base64') === l.leaf_hash)).toBe(true)
    const proof = await reader.consistencyProof(3, 5)
    expect(proof).toMatchObject({ first: 3, second: 5 })
    expect(proof.hashes.length).toBeGreaterThan(0)
  })

  it('verifies an event and the history in this process', async () => {
    expect(await reader.verifyEvent(ids[1]!)).toMatchObject({ verified: true, leaf_index: 1 })
    expect(await reader.verifyEvent(ids[1]!, { treeSize: 3 })).toMatchObject({
      verified: true,
      checkpoint: { tree_size: 3 },
    })
    expect(await reader.verifyLog()).toMatchObject({
      verified: true,
      checked: 2,
      consistency_proofs: 1,
      keys: 'published',
    })
  })

  it('streams the export', async () => {
    let text = ''
    for await (const chunk of reader.logExport()) text += Buffer.from(chunk).toString('utf8')
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({ type: 'header', tree_size: 5 })
    expect(lines.at(-1)).toEqual({ type: 'end', entries: 5 })
  })

  it("rejects bad input with the server's status and code", async () => {
    for (const [call, status, code] of [
      [reader.logLeaves(3, 2), 400, 'invalid_query'],
      [reader.logLeaves(0, 2000), 400, 'invalid_query'],
      [reader.consistencyProof(5, 3), 400, 'invalid_query'],
      [reader.consistencyProof(1, 4), 404, 'not_checkpointed'],
      [reader.eventProof(ids[0]!, { treeSize: 4 }), 404, 'not_checkpointed'],
      [reader.eventProof('01900000-0000-7000-8000-000000000000'), 404, 'not_found'],
      [reader.logCheckpoints({ cursor: 'x' }), 400, 'invalid_query'],
    ] as const) {
      const error = await refusal(call)
      expect(error).toBeInstanceOf(AgentTrailError)
      expect([error?.status, error?.code]).toEqual([status, code])
    }
    await expect(reader.eventProof('..')).rejects.toMatchObject({ code: 'invalid_argument' })
    const other = new TrailReader({
      apiKey: await live.key('org-empty', ['read']),
      baseUrl: live.url,
    })
    await expect(other.logCheckpoint()).rejects.toMatchObject({
      status: 404,
      code: 'no_checkpoint',
    })
    const stream = other.logExport()
    await expect(stream.next()).rejects.toMatchObject({ status: 404 })
  })

  it('AgentTrail#erase erases with an admin key and answers the tombstone; a read key is refused', async () => {
    const readOnly = new AgentTrail({
      apiKey: await live.key(ORG, ['read']),
      baseUrl: live.url,
      flushOnExit: false,
      silent: true,
    })
    await expect(readOnly.erase({ eventId: ids[4]!, reason: 'test' })).rejects.toMatchObject({
      status: 403,
    })
    const admin = new AgentTrail({
      apiKey: await live.key(ORG, ['admin']),
      baseUrl: live.url,
      flushOnExit: false,
      silent: true,
    })
    await expect(admin.erase({ eventId: ids[4]!, reason: '' })).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
    })
    await expect(
      admin.erase({ user: 'x', eventId: ids[4]!, reason: 'r' } as never),
    ).rejects.toMatchObject({ status: 400 })
    const result = await admin.erase({
      eventId: ids[4]!,
      reason: 'gdpr-art17',
      requestRef: 'DSAR-2',
    })
    expect(result).toMatchObject({ erased: 1, tombstones: [{ seq: 6 }] })
    const tombstone = await reader.event(result.tombstones[0]!.id)
    expect(tombstone).toMatchObject({ kind: 'audit', action: 'log.erasure' })
    expect(tombstone.metadata).toMatchObject({
      erased: [[5, 5]],
      reason: 'gdpr-art17',
      request_ref: 'DSAR-2',
      selector: { by: 'event' },
    })
    expect(await admin.erase({ agent: 'nobody', day: '2026-01-01', reason: 'r' })).toEqual({
      erased: 0,
      tombstones: [],
    })
    await readOnly.shutdown()
    await admin.shutdown()
  })
})
