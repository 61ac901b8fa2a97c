import { afterEach, describe, expect, it } from 'vitest'
import {
  checkpointBody,
  consistencyProof,
  signNote,
  verifyExport,
} from '../../packages/protocol/src/integrity/index.js'
import { enforcement, openPostgresStore, openSqliteStore } from '@agenttrail/server'
import type { Store } from '@agenttrail/server'
import { newEvent } from '../helpers/events.js'
import { freshDatabase } from '../helpers/postgres.js'
import { checkpointLine, testKey } from '../helpers/verifiable-export.js'

const ORG = 'org-a'
const ORIGIN = `agenttrail-test/t/${ORG}`

/**
 * The verifiable export (SPEC18's JSONL) of an org's log as the store holds it: live entries with
 * the event as the API gives it and its salt, erased entries with their leaf and the tombstone
 * that names them, and `checkpoints` signed with a test key. Built from `Store.log` and
 * `EventStore.since`, as the export route does.
 */
async function exportOf(
  store: Store,
  key: ReturnType<typeof testKey>,
  checkpoints: Array<{ size: number; root: Buffer; time: number }>,
): Promise<string[]> {
  const { size } = await store.log.head(ORG)
  const events = new Map((await store.events.since(ORG, 0, 10_000)).map((e) => [e.seq, e]))
  const salts = await store.log.openings(ORG, 1, size)
  const leaves = await store.log.leaves(ORG, 0, size)
  const erasedBy = new Map<number, number>()
  for (const e of events.values())
    if (e.kind === 'audit' && e.action === 'log.erasure')
      for (const [first, last] of (e.metadata as { erased: number[][] }).erased)
        for (let seq = first as number; seq <= (last as number); seq++) erasedBy.set(seq, e.seq)
  const lines: Array<Record<string, unknown>> = [
    {
      type: 'header',
      format: 'agenttrail-log-export/1',
      org_id: ORG,
      origin: ORIGIN,
      tree_size: size,
      generated_at: new Date().toISOString(),
    },
    {
      type: 'key',
      name: ORIGIN,
      key_id: key.keyIdHex,
      vkey: key.vkey,
      not_before: key.notBefore,
      not_after: null,
    },
  ]
  for (const { index, leaf, hash } of leaves) {
    const seq = index + 1
    const base = { type: 'entry', seq, leaf_hash: hash.toString('base64') }
    const event = events.get(seq)
    lines.push(
      event
        ? { ...base, event, salt: (salts.get(seq) as Buffer).toString('base64') }
        : { ...base, leaf, erased_by: erasedBy.get(seq) ?? null },
    )
  }
  let previous = 0
  for (const cp of checkpoints) {
    const note = signNote(checkpointBody(ORIGIN, cp.size, cp.root), key.signer, cp.time)
    const proof = await consistencyProof(previous, cp.size, (lo, hi) =>
      store.log.rangeHash(ORG, lo, hi),
    )
    lines.push(checkpointLine({ size: cp.size, time: cp.time, note }, proof))
    previous = cp.size
  }
  lines.push({ type: 'end', entries: size })
  return lines.map((l) => JSON.stringify(l))
}

const STORES: Array<[string, () => Promise<Store>]> = [
  ['sqlite', async () => openSqliteStore({ path: ':memory:', enforce: enforcement })],
  ['postgres', async () => openPostgresStore({ url: await freshDatabase(), enforce: enforcement })],
]

describe.each(STORES)('an erased trail verifies offline (%s)', (_name, open) => {
  let store: Store
  afterEach(() => store.close())

  it('verifies intact across a checkpoint taken before the erasure, and reports the erasure', async () => {
    store = await open()
    const key = testKey(ORIGIN)
    const append = (fields: Array<Record<string, unknown>>) =>
      store.events.append(fields.map((f) => ({ orgId: ORG, event: newEvent(f) })))
    await append([
      {
        user: 'alice@example.com',
        agent: 'bot',
        input: { q: 'my address is 1 Main St' },
        metadata: { phone: '555' },
      },
      { user: 'bob', agent: 'bot', output: { a: 'ok' } },
      {
        user: 'alice@example.com',
        agent: 'bot',
        system_prompt: 'You help alice.',
        messages: [{ role: 'user', content: 'hi' }],
      },
      { user: 'alice@example.com', agent: 'helper', ip_address: '203.0.113.7' },
      { user: 'carol', agent: 'helper', tags: ['t'] },
    ])
    const now = Math.floor(Date.now() / 1000)
    const before = await store.log.head(ORG)
    const erasure = await store.events.erase(
      ORG,
      { from: -Number.MAX_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER, user: 'alice@example.com' },
      { reason: 'gdpr-art17', selector: { by: 'user' }, requestRef: 'DSAR-1', actor: 'key_admin' },
    )
    expect(erasure.tombstones).toEqual([{ id: expect.any(String), seq: 6 }])
    await append([{ user: 'bob', agent: 'bot' }])
    const after = await store.log.head(ORG)
    const checkpoints = [
      { size: before.size, root: before.root, time: now },
      { size: after.size, root: after.root, time: now + 1 },
    ]
    const lines = await exportOf(store, key, checkpoints)

    const report = await verifyExport(lines, { keys: [{ vkey: key.vkey }] })
    expect(report.problems).toEqual([])
    expect(report).toMatchObject({
      ok: true,
      status: 'intact',
      entries: 7,
      erased: 3,
      checkpoints: 2,
      verified_size: 7,
    })
    expect(report.erasures).toEqual([expect.objectContaining({ tombstone_seq: 6, events: 3 })])
    // The verifier is not fooled: an erased entry that names a tombstone not covering it fails.
    const forged = lines.map((l) => {
      const line = JSON.parse(l) as { type: string; seq?: number; erased_by?: number }
      return line.type === 'entry' && line.seq === 1 ? JSON.stringify({ ...line, erased_by: 7 }) : l
    })
    const refused = await verifyExport(forged, { keys: [{ vkey: key.vkey }] })
    expect(refused.status).toBe('failed')
    expect(refused.problems.map((p) => p.seq)).toContain(1)
  })
})
