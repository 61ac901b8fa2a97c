import { beforeAll, describe, expect, it } from 'vitest'
import type { Event } from '@agenttrail/protocol'
import { leafBytes, leafHash, newSalt } from '../../packages/protocol/src/integrity/index.js'
import { verifyExport } from '../../packages/protocol/src/integrity/verify-export.js'
import type { VerifyExportOptions } from '../../packages/protocol/src/integrity/verify-export.js'
import type { VerifyReport } from '../../packages/protocol/src/integrity/verify-report.js'
import { TestLog, testKey } from '../helpers/verifiable-export.js'

type Line = Record<string, any>

/** The lines one at a time, as a file stream would give them. */
async function* stream(lines: readonly string[]): AsyncGenerator<string> {
  for (const line of lines) yield line
}

let log: TestLog
let clean: string[]
let withLeaves: string[]

/** 30 events, checkpoints at 10, 20 and 30 a minute apart. */
function buildLog(): TestLog {
  const l = new TestLog('acme')
  l.append(10).checkpoint()
  l.append(10).checkpoint()
  l.append(10).checkpoint()
  return l
}

beforeAll(async () => {
  log = buildLog()
  clean = await log.lines()
  withLeaves = await log.lines({ withLeaves: true })
})

const pinned = (l: TestLog = log): VerifyExportOptions => ({ keys: [{ vkey: l.key.vkey }] })

function verify(lines: readonly string[], options: VerifyExportOptions = pinned()) {
  return verifyExport(stream(lines), options)
}

/** Edits the parsed lines and writes them back. */
function edit(lines: readonly string[], change: (parsed: Line[]) => void): string[] {
  const parsed = lines.map((l) => JSON.parse(l) as Line)
  change(parsed)
  return parsed.map((p) => JSON.stringify(p))
}

const entryAt = (parsed: Line[], seq: number) =>
  parsed.findIndex((p) => p.type === 'entry' && p.seq === seq)
const checkpointAt = (parsed: Line[], size: number) =>
  parsed.findIndex((p) => p.type === 'checkpoint' && p.tree_size === size)
const codes = (r: VerifyReport) => r.problems.map((p) => p.code)
const errorsOf = (r: VerifyReport) => r.problems.filter((p) => p.severity === 'error')

describe('verifyExport on an untouched export', () => {
  it('reports it intact with pinned keys', async () => {
    const r = await verify(clean)
    expect(r.problems).toEqual([])
    expect(r).toMatchObject({
      ok: true,
      status: 'intact',
      origin: 'agenttrail-test/t/acme',
      entries: 30,
      erased: 0,
      checkpoints: 3,
      verified_size: 30,
    })
  })

  it('warns that keys taken from the export are not pinned', async () => {
    const r = await verify(clean, {})
    expect(r.status).toBe('warnings')
    expect(r.ok).toBe(true)
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'keys_not_pinned',
        severity: 'warning',
        message: expect.stringContaining('keys taken from the export, not pinned'),
      }),
    ])
  })

  it('verifies leaf texts on live entries too', async () => {
    expect((await verify(withLeaves)).status).toBe('intact')
  })
})

describe('verifyExport names each tampering', () => {
  it('an edited clear field: the event seq, and the field when the leaf is listed', async () => {
    const change = (p: Line[]) => {
      p[entryAt(p, 12)]!.event.model = 'gpt-4o'
    }
    const r = await verify(edit(clean, change))
    expect(r.status).toBe('failed')
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'event_edited',
        seq: 12,
        message: expect.stringMatching(/^event 12: its content does not match its leaf hash/),
      }),
    ])
    const named = await verify(edit(withLeaves, change))
    expect(named.problems).toEqual([
      expect.objectContaining({
        code: 'event_edited',
        seq: 12,
        message: 'event 12: field model was edited',
      }),
    ])
  })

  it('an edited personal field, top level or a metadata value', async () => {
    const r = await verify(
      edit(withLeaves, (p) => {
        p[entryAt(p, 12)]!.event.input = { prompt: 'something else' }
        p[entryAt(p, 14)]!.event.metadata.email = 'someone@else.example'
      }),
    )
    expect(r.problems.map((p) => [p.seq, p.message])).toEqual([
      [12, 'event 12: field input was edited'],
      [14, 'event 14: field metadata.email was edited'],
    ])
    expect(
      errorsOf(await verify(edit(clean, (p) => void (p[entryAt(p, 12)]!.event.input = 1)))),
    ).toEqual([expect.objectContaining({ code: 'event_edited', seq: 12 })])
  })

  it('an edited event whose leaf hash was recomputed: the first failing checkpoint localises it', async () => {
    const r = await verify(
      edit(clean, (p) => {
        const line = p[entryAt(p, 15)]!
        line.event.output = { text: 'rewritten' }
        line.leaf_hash = leafHash(
          leafBytes(line.event as Event, Buffer.from(line.salt, 'base64')),
        ).toString('base64')
      }),
    )
    expect(r.problems.map((p) => [p.code, p.tree_size, p.message])).toEqual([
      [
        'root_mismatch',
        20,
        'checkpoint at size 20: the events do not rebuild the signed tree: the damage lies in events 11 to 20',
      ],
      ['root_mismatch', 30, expect.stringContaining('checkpoint at size 30')],
    ])
  })

  it('a deleted event', async () => {
    const r = await verify(edit(clean, (p) => void p.splice(entryAt(p, 17), 1)))
    expect(codes(r)).toContain('event_missing')
    expect(r.problems.find((p) => p.code === 'event_missing')).toMatchObject({
      seq: 17,
      message: 'event 17 missing',
    })
    expect(r.problems.find((p) => p.code === 'root_mismatch')).toMatchObject({
      tree_size: 20,
      message: expect.stringContaining('events 11 to 20'),
    })
  })

  it('two events swapped', async () => {
    const r = await verify(
      edit(clean, (p) => {
        const i = entryAt(p, 5)
        ;[p[i], p[i + 1]] = [p[i + 1]!, p[i]!]
      }),
    )
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        code: 'events_out_of_order',
        seq: 5,
        message: 'events 5 and 6 out of order',
      }),
    )
    expect(r.problems).toContainEqual(
      expect.objectContaining({ code: 'root_mismatch', tree_size: 10 }),
    )
    expect(codes(r)).not.toContain('event_missing')
  })

  it('an inserted event, the later ones renumbered and re-hashed', async () => {
    const r = await verify(
      edit(clean, (p) => {
        const at = entryAt(p, 13)
        const forged = structuredClone(p[at]!)
        forged.event.title = 'a payment that never happened'
        p.splice(at, 0, forged)
        for (let i = at + 1; p[i]!.type === 'entry'; i++) {
          p[i]!.seq += 1
          p[i]!.event.seq += 1
        }
        for (let i = at; p[i]!.type === 'entry'; i++) {
          const salt = Buffer.from(p[i]!.salt, 'base64')
          p[i]!.leaf_hash = leafHash(leafBytes(p[i]!.event as Event, salt)).toString('base64')
        }
        p[0]!.tree_size = 31
        p.at(-1)!.entries = 31
      }),
    )
    expect(errorsOf(r).map((p) => [p.code, p.tree_size ?? p.seq])).toEqual([
      ['root_mismatch', 20],
      ['root_mismatch', 30],
      ['unanchored_tail', 31],
    ])
    expect(r.problems[0]!.message).toContain('events 11 to 20')
  })

  it('a truncated tail', async () => {
    const r = await verify(
      edit(clean, (p) => {
        p.splice(entryAt(p, 26), 5)
        p[0]!.tree_size = 25
        p.at(-1)!.entries = 25
      }),
    )
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'truncated_tail',
        tree_size: 30,
        message:
          'checkpoint at size 30, but the export holds 25 events: truncated tail (events 26 to 30 are gone)',
      }),
    ])
  })

  it('a forged checkpoint: its body edited', async () => {
    const r = await verify(
      edit(clean, (p) => {
        const cp = p[checkpointAt(p, 20)]!
        const [origin, , root, ...rest] = (cp.note as string).split('\n')
        cp.note = [origin, '19', root, ...rest].join('\n')
        cp.tree_size = 19
      }),
    )
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        code: 'signature_invalid',
        tree_size: 19,
        message: expect.stringContaining('edited or forged'),
      }),
    )
  })

  it('a replayed checkpoint: the same note twice, or one of another log', async () => {
    const twice = await verify(
      edit(clean, (p) => void p.splice(checkpointAt(p, 20) + 1, 0, p[checkpointAt(p, 20)]!)),
    )
    expect(twice.problems).toContainEqual(
      expect.objectContaining({
        code: 'checkpoint_replayed',
        tree_size: 20,
        message: expect.stringContaining('appears twice'),
      }),
    )
    const other = new TestLog('globex')
    other.append(20).checkpoint()
    const otherLines = await other.lines()
    const foreign = otherLines.find((l) => l.includes('"checkpoint"'))!
    const r = await verify(
      edit(clean, (p) => void p.splice(checkpointAt(p, 20), 1, JSON.parse(foreign))),
      { keys: [{ vkey: log.key.vkey }, { vkey: other.key.vkey }] },
    )
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        code: 'checkpoint_replayed',
        message: expect.stringContaining('origin agenttrail-test/t/globex'),
      }),
    )
  })

  it('a checkpoint signed by an unknown key', async () => {
    const stranger = testKey(log.origin)
    const l = buildLog()
    l.checkpoint({ signer: stranger.signer })
    const r = await verify(await l.lines(), pinned(l))
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'unknown_key',
        tree_size: 30,
        message: `checkpoint at size 30: signed by an unknown key (${log.origin}+${stranger.keyIdHex})`,
      }),
    ])
  })

  it('a rolled-back log: a smaller checkpoint signed after a larger one', async () => {
    const l = buildLog()
    l.checkpoint({ size: 15 })
    const r = await verify(await l.lines(), pinned(l))
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'log_rolled_back',
        tree_size: 15,
        message: expect.stringMatching(
          /^log rolled back: checkpoint at size 15 signed at .*, after checkpoint at size 30/,
        ),
      }),
    ])
  })

  it('a rolled-back log: an export shorter than the auditor’s pinned checkpoint', async () => {
    const saved = log.checkpoints.at(-1)!.note
    const r = await verify(
      edit(clean, (p) => {
        p.splice(entryAt(p, 21), 10)
        p.splice(checkpointAt(p, 30), 1)
        p[0]!.tree_size = 20
        p.at(-1)!.entries = 20
      }),
      { ...pinned(), pinnedCheckpoint: saved },
    )
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'log_rolled_back',
        tree_size: 30,
        message: expect.stringContaining('pinned checkpoint has size 30'),
      }),
    ])
  })

  it('a pinned checkpoint of a forked history', async () => {
    const fork = new TestLog('acme')
    Object.assign(fork, { key: log.key })
    fork.append(10, () => ({ title: 'another history' }))
    const note = fork.checkpoint().note
    const r = await verify(clean, { ...pinned(), pinnedCheckpoint: note })
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'pinned_checkpoint_inconsistent', tree_size: 10 }),
    ])
    expect(
      (await verify(clean, { ...pinned(), pinnedCheckpoint: log.checkpoints[0]!.note })).status,
    ).toBe('intact')
  })

  it('a forked log: two signed checkpoints of one size with different roots', async () => {
    const fork = new TestLog('acme')
    Object.assign(fork, { key: log.key })
    fork.append(30, () => ({ title: 'another history' }))
    const forked = fork.checkpoint({ time: log.clock + 60 })
    const r = await verify(
      edit(clean, (p) => {
        const at = checkpointAt(p, 30)
        p.splice(at + 1, 0, { ...p[at]!, note: forked.note, consistency: [] })
      }),
    )
    expect(r.problems.map((p) => [p.code, p.tree_size])).toEqual([
      ['root_mismatch', 30],
      ['consistency_invalid', 30],
    ])
    expect(r.problems[0]!.message).toContain('the log forked')
  })

  it('an edited consistency proof', async () => {
    const r = await verify(
      edit(clean, (p) => {
        const cp = p[checkpointAt(p, 30)]!
        cp.consistency[0] = Buffer.alloc(32, 7).toString('base64')
      }),
    )
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'consistency_invalid',
        tree_size: 30,
        message: expect.stringContaining('from size 20'),
      }),
    ])
  })

  it('an opening (salt) that does not match', async () => {
    const change = (p: Line[]) => void (p[entryAt(p, 8)]!.salt = newSalt().toString('base64'))
    expect((await verify(edit(clean, change))).problems).toEqual([
      expect.objectContaining({ code: 'event_edited', seq: 8 }),
    ])
    expect((await verify(edit(withLeaves, change))).problems).toEqual([
      expect.objectContaining({
        code: 'event_edited',
        seq: 8,
        message: expect.stringContaining('its salt does not open its commitments'),
      }),
    ])
  })

  it('an event erased without a tombstone', async () => {
    const r = await verify(
      edit(withLeaves, (p) => {
        const line = p[entryAt(p, 5)]!
        delete line.event
        delete line.salt
      }),
    )
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'erased_without_tombstone',
        seq: 5,
        message: 'event 5 erased without a tombstone',
      }),
    ])
  })

  it('a tombstone that does not cover the erased event', async () => {
    const l = buildLog()
    const tombstone = l.erase([3, 4])
    l.checkpoint()
    const r = await verify(
      edit(await l.lines({ withLeaves: true }), (p) => {
        const line = p[entryAt(p, 7)]!
        delete line.event
        delete line.salt
        line.erased_by = tombstone
      }),
      pinned(l),
    )
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'tombstone_not_covering',
        seq: 7,
        message: `erased event 7: tombstone ${tombstone} does not cover it`,
      }),
    ])
  })

  it('a key used outside its validity window', async () => {
    const from = new Date((log.checkpoints[2]!.time - 1) * 1000).toISOString()
    const r = await verify(clean, { keys: [{ vkey: log.key.vkey, not_before: from }] })
    expect(r.problems.map((p) => [p.code, p.tree_size])).toEqual([
      ['key_not_valid', 10],
      ['key_not_valid', 20],
    ])
  })

  it('a checkpoint note that is not signed at all, a line that is not JSON, a cut-off end', async () => {
    const r = await verify(
      edit(clean, (p) => {
        p[checkpointAt(p, 10)]!.note = 'not a note'
        p.pop()
      }).concat(['{oops']),
    )
    expect(codes(r)).toEqual(['bad_checkpoint', 'bad_line', 'missing_end'])
  })
})

describe('verifyExport on checkpoints without their time', () => {
  it('fails a checkpoint with no timestamped cosignature: its key window cannot be checked', async () => {
    const l = new TestLog('acme')
    l.append(5).checkpoint()
    l.append(3).checkpoint({ untimed: true })
    const r = await verify(await l.lines(), pinned(l))
    expect(r.status).toBe('failed')
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'checkpoint_without_time', severity: 'error', tree_size: 8 }),
    ])
  })
})

describe('verifyExport on lawful erasure and silence', () => {
  it('verifies a lawful erasure intact and reports the fields erased under its tombstone', async () => {
    const l = buildLog()
    const tombstone = l.erase([3, 4, 9])
    l.checkpoint()
    const r = await verify(await l.lines(), pinned(l))
    expect(r.problems).toEqual([])
    expect(r).toMatchObject({ status: 'intact', entries: 31, erased: 3, verified_size: 31 })
    expect(r.erasures).toEqual([
      {
        tombstone_seq: tombstone,
        events: 3,
        fields: ['input', 'ip_address', 'metadata.email', 'metadata.ticket', 'output', 'user'],
      },
    ])
  })

  it('warns about missing hourly heartbeats, and fails events no checkpoint covers', async () => {
    const l = new TestLog('acme')
    l.append(5).checkpoint()
    l.append(5).checkpoint({ time: l.clock + 3 * 3600 })
    l.append(2)
    const r = await verify(await l.lines(), pinned(l))
    // An export holds only events a checkpoint covers: a tail past the last one was added to it
    // (or its later checkpoints were dropped so that its events could be rewritten).
    expect(r.status).toBe('failed')
    expect(r.problems.map((p) => p.code)).toEqual(['heartbeat_gap', 'unanchored_tail'])
    expect(r.problems[0]!.message).toMatch(/\(3\.0 h\)/)
    expect(r.problems[1]).toMatchObject({
      seq: 11,
      message: expect.stringContaining('events 11 to 12'),
    })
  })

  it('fails an export with events and no checkpoint', async () => {
    const l = new TestLog('acme')
    l.append(3)
    const r = await verify(await l.lines(), pinned(l))
    expect(codes(r)).toEqual(['no_checkpoint'])
  })

  it('fails an empty input', async () => {
    expect(codes(await verify([]))).toEqual(['bad_header', 'missing_end'])
  })

  it('refuses a trusted key that is not a verifier key', async () => {
    await expect(verify(clean, { keys: [{ vkey: 'nonsense' }] })).rejects.toThrow(
      /verifier key must read/,
    )
  })
})
