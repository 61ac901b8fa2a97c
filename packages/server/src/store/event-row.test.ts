import { describe, expect, it } from 'vitest'
import { finishLeaf, leafBytes, newSalt, prepareLeaf } from '@agenttrail/protocol'
import type { ControlNote, NewEvent } from '@agenttrail/protocol'
import { newEvent } from '../../../../test/helpers/events.js'
import type { EventRow } from './event-row.js'
import { EVENT_COLUMNS, eventRowValues, leafSourceOf, rowToEvent } from './event-row.js'
import { prepareEventLeaf } from './log-append.js'
import { openSqliteDb } from './sqlite/sqlite-db.js'
import { migrateSqlite } from './sqlite/sqlite-migrate.js'

const T0 = Date.UTC(2026, 11, 7, 12, 30, 15, 123)
const violation: ControlNote = {
  decision: 'violation',
  rule: 'payload_regex_block',
  reason: 'Policy: payload matched «secret» — recorded',
  policy_id: 'pol_1',
}

/** Events that exercise every way a value can travel: nulls, unicode, JSON payloads, big numbers. */
const EVENTS: Array<[string, Record<string, unknown>, ControlNote | null]> = [
  ['an empty event', {}, null],
  [
    'unicode everywhere',
    {
      agent: 'agent-ü',
      title: 'Zoë’s 😀 call \u2028 line',
      input: { clé: 'valeur', emoji: '😀', nested: [{ ß: 'ss' }] },
      output: 'answer \u00e9\u0301',
      user: 'zoë@example.com',
      metadata: { ключ: 'значение', '': 'empty key', 'a/b~c': 1 },
    },
    null,
  ],
  [
    'nulls and empty containers',
    { input: null, output: null, metadata: {}, tags: [], context: { k: null }, error: null },
    null,
  ],
  [
    'big and fractional numbers',
    {
      kind: 'llm_call',
      tokens_input: 999_999_999_999,
      tokens_output: 2 ** 39,
      tokens_total: 1_000_000_000_000,
      cost_usd: '123456.789012',
      duration_ms: 86_400_000,
      input: { big: 1e21, small: 1e-7, neg: -0.5, exp: 123456789012345680000 },
      metadata: { ratio: 0.1, huge: 2 ** 60 },
    },
    null,
  ],
  [
    'a control note and every payload field',
    {
      agent: 'bot',
      kind: 'tool_call',
      status: 'error',
      input: { cmd: 'rm -rf /' },
      output: { code: 1 },
      messages: [{ role: 'user', content: 'hi' }],
      thinking: 'let me think',
      tool_calls: [{ name: 'shell', arguments: { cmd: 'ls' } }],
      error: { message: 'boom' },
      ip_address: '203.0.113.9',
      tags: ['a', 'b'],
      trace_id: 'trace-1',
      rate_limit: { remaining: 5 },
    },
    violation,
  ],
]

/** The row the database keeps for `event`, read back as `SELECT *` gives it. */
function storedRow(orgId: string, event: NewEvent, seq: number, receivedAt: number): EventRow {
  const db = openSqliteDb(':memory:')
  try {
    migrateSqlite(db)
    db.prepare(
      `INSERT INTO events (${EVENT_COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    ).run(...eventRowValues(orgId, event, seq, receivedAt))
    return db.prepare('SELECT * FROM events').get() as EventRow
  } finally {
    db.close()
  }
}

describe('leafSourceOf', () => {
  it.each(EVENTS)(
    'prepares the same leaf before the append as the stored event gives: %s',
    (_, fields, control) => {
      const event = { ...newEvent({ ts: T0, ...fields }, T0), control }
      const salt = newSalt()
      const seq = 4_294_967_297
      const receivedAt = T0 + 17
      const row = storedRow('org-ü', event, seq, receivedAt)
      const expected = leafBytes(rowToEvent(row), salt)
      const note = control === null ? null : (JSON.parse(JSON.stringify(control)) as unknown)
      const prepared = prepareLeaf(leafSourceOf('org-ü', event), salt)
      expect(finishLeaf(prepared, seq, new Date(receivedAt).toISOString(), note)).toBe(expected)
      // As the SQLite writer thread receives it: a structured clone.
      const input = structuredClone(prepareEventLeaf('org-ü', event))
      expect(finishLeaf(input.prepared, seq, new Date(receivedAt).toISOString(), note)).toBe(
        leafBytes(rowToEvent(row), Buffer.from(input.salt, 'base64')),
      )
    },
  )

  it('gives every field rowToEvent gives but seq, received_at and control', () => {
    const event = newEvent({ agent: 'a' }, T0)
    const row = storedRow('org', event, 1, T0)
    const { seq, received_at, control, ...rest } = rowToEvent(row)
    expect([seq, received_at, control]).toEqual([1, new Date(T0).toISOString(), null])
    expect(leafSourceOf('org', event)).toEqual(rest)
  })

  it('draws a salt of its own for each event, sent as base64 text', () => {
    const a = prepareEventLeaf('org', newEvent({}, T0))
    const b = prepareEventLeaf('org', newEvent({}, T0))
    expect(Buffer.from(a.salt, 'base64')).toHaveLength(32)
    expect(a.salt).not.toBe(b.salt)
  })
})
