import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { eventLike, jsonValue, pick, seededRand } from '../../../../test/helpers/json-values.js'
import { jcs, JcsError } from './jcs.js'
import {
  PERSONAL_FIELDS,
  commitmentsOf,
  committedEvent,
  fieldCommitment,
  newSalt,
  pointer,
} from './leaf-commit.js'
import { finishLeaf, leafBytes, LeafError, parseLeaf, prepareLeaf } from './leaf.js'

const event = {
  id: '01936d5c-0000-7000-8000-000000000001',
  org_id: 'acme',
  seq: 42,
  environment: 'production',
  idempotency_key: null,
  ts: '2026-12-07T10:00:00.000Z',
  received_at: '2026-12-07T10:00:00.123Z',
  agent: 'support-bot',
  user: 'jane@example.com',
  ip_address: '203.0.113.9',
  kind: 'llm_call',
  input: { messages: [{ role: 'user', content: 'Héllo 😀 my card is 4242' }] },
  output: 'Hi Jane',
  messages: null,
  thinking: null,
  tool_calls: [{ name: 'lookup', arguments: { email: 'jane@example.com' } }],
  error: null,
  system_prompt_sha256: 'ab'.repeat(32),
  tokens_total: 12,
  cost_usd: 0.000123,
  tags: ['a', 'b'],
  metadata: { ticket: 'T-1', 'a/b~c': { nested: true } },
  context: null,
  control: { decision: 'violation', rule: 'p1' },
}

describe('leaves', () => {
  it('builds the same leaf in two steps as in one, canonical and without personal values', () => {
    const salt = newSalt()
    const leaf = leafBytes(event, salt)
    const { seq, received_at, control, ...source } = event
    expect(finishLeaf(prepareLeaf(source, salt), seq, received_at, control)).toBe(leaf)
    expect(finishLeaf(prepareLeaf(event, salt), seq, received_at, control)).toBe(leaf)
    expect(jcs(JSON.parse(leaf))).toBe(leaf)
    for (const secret of [
      'jane@example.com',
      '203.0.113.9',
      '4242',
      'Hi Jane',
      'T-1',
      'ab'.repeat(32),
    ])
      expect(leaf).not.toContain(secret)
    expect(leaf).toContain('"seq":42')
    expect(leaf).toContain('"agent":"support-bot"')
    expect(leaf.startsWith('{"event":{')).toBe(true)
    expect(leaf.endsWith('},"v":1}')).toBe(true)
  })

  it('writes exactly the canonical form of the committed event', () => {
    const variants = [
      event,
      { ...event, metadata: {}, control: null, tags: [] },
      { ...event, metadata: [1, 2], input: null, user: undefined },
      { ...event, metadata: { é: 1, a: null, '10': 'x', '9': [true] }, extra: { z: 1, a: 2 } },
    ]
    for (const v of variants) {
      const salt = newSalt()
      expect(leafBytes(v, salt)).toBe(jcs({ event: committedEvent(v, salt), v: 1 }))
    }
  })

  it('commits each personal field and metadata value under its own path', () => {
    const salt = newSalt()
    const { event: committed, commitments } = parseLeaf(leafBytes(event, salt))
    expect([...commitments.keys()].sort()).toEqual(
      [
        '/input',
        '/ip_address',
        '/metadata/a~1b~0c',
        '/metadata/ticket',
        '/output',
        '/system_prompt_sha256',
        '/tool_calls',
        '/user',
      ].sort(),
    )
    expect(commitments.get('/user')).toBe(fieldCommitment(salt, '/user', 'jane@example.com'))
    expect(commitments.get(pointer('metadata', 'a/b~c'))).toBe(
      fieldCommitment(salt, '/metadata/a~1b~0c', { nested: true }),
    )
    expect(committed.messages).toBeNull()
    expect(commitmentsOf(committed).size).toBe(8)
    expect(PERSONAL_FIELDS).toContain('input')
  })

  it('hashes exactly domain ‖ salt ‖ path ‖ 0x00 ‖ JCS(value)', () => {
    const salt = Buffer.alloc(32, 7)
    const expected = createHash('sha256')
      .update('agenttrail/field-commit/v1\u0000')
      .update(salt)
      .update('/input')
      .update(Buffer.from([0]))
      .update('{"a":1,"b":"é"}')
      .digest('base64')
    expect(fieldCommitment(salt, '/input', { b: 'é', a: 1 })).toBe(expected)
  })

  it('differs with the salt, the path and any change of value', () => {
    const a = newSalt()
    const b = newSalt()
    expect(a.equals(b)).toBe(false)
    expect(leafBytes(event, a)).not.toBe(leafBytes(event, b))
    expect(fieldCommitment(a, '/user', 'x')).not.toBe(fieldCommitment(a, '/output', 'x'))
    expect(fieldCommitment(a, '/user', { p: 1, q: 2 })).toBe(
      fieldCommitment(a, '/user', { q: 2, p: 1 }),
    )
    expect(leafBytes({ ...event, output: 'Hi Jane!' }, a)).not.toBe(leafBytes(event, a))
    expect(leafBytes({ ...event, model: 'x' }, a)).not.toBe(leafBytes(event, a))
    expect(() => fieldCommitment(Buffer.alloc(16), '/user', 'x')).toThrow(RangeError)
  })

  it('reads back only canonical leaves of this version', () => {
    const leaf = leafBytes(event, newSalt())
    expect(() => parseLeaf(leaf.replace('{"event"', '{ "event"'))).toThrow(LeafError)
    expect(() => parseLeaf(leaf.replace('"v":1', '"v":2'))).toThrow(LeafError)
    expect(() => parseLeaf('{"v":1}')).toThrow(LeafError)
    expect(() => parseLeaf('nope')).toThrow(LeafError)
    expect(() => finishLeaf(prepareLeaf(event, newSalt()), 0, 'x', null)).toThrow(RangeError)
  })

  describe('prepared from generated events', () => {
    const rand = seededRand(1862)
    const saltOf = () => Buffer.from(Array.from({ length: 32 }, () => Math.floor(rand() * 256)))
    /** The leaf by the definition: JCS of the committed event with the transaction's fields. */
    const reference = (
      e: Record<string, unknown>,
      salt: Buffer,
      seq: number,
      at: string,
      c: unknown,
    ) =>
      jcs({ event: { ...committedEvent(e, salt), seq, received_at: at, control: c ?? null }, v: 1 })

    it('writes exactly the reference leaf, byte for byte', () => {
      for (let i = 0; i < 4_000; i++) {
        const e = eventLike(rand)
        const salt = saltOf()
        const seq = 1 + Math.floor(rand() * 2 ** 40)
        const at = new Date(Math.floor(rand() * 4e12)).toISOString()
        const control =
          rand() < 0.3 ? { decision: 'violation', rule: pick(rand, ['p1', 'é"']) } : null
        expect(finishLeaf(prepareLeaf(e, salt), seq, at, control)).toBe(
          reference(e, salt, seq, at, control),
        )
      }
    })

    it('throws a JcsError for a lone surrogate anywhere it would be written or committed', () => {
      const lone = () => pick(rand, ['\ud800', '\udbff', '\udc00', '\udfff'])
      const places: Array<(e: Record<string, unknown>) => void> = [
        (e) => (e.title = `a${lone()}`),
        (e) => (e.tags = ['ok', `${lone()}b`]),
        (e) => (e.context = { z: 1, a: { [`k${lone()}`]: 1 } }),
        (e) => (e.rate_limit = { [lone()]: 'x' }),
        (e) => (e.input = { messages: [{ content: `hi ${lone()}` }] }),
        (e) => (e.user = lone()),
        (e) => (e.tool_calls = [{ [`n${lone()}`]: true }]),
        (e) => (e.metadata = { ok: 1, [`m${lone()}`]: 'v' }),
        (e) => (e.metadata = { ok: 1, deep: { v: [lone()] } }),
        (e) => (e[`extra${lone()}`] = 1),
      ]
      for (let i = 0; i < 1_000; i++) {
        const e = eventLike(rand)
        pick(rand, places)(e)
        const salt = saltOf()
        expect(() => prepareLeaf(e, salt)).toThrow(JcsError)
        expect(() => reference(e, salt, 1, 'x', null)).toThrow(JcsError)
      }
    })

    it('commits a value too long for the scratch buffer as it commits a short one', () => {
      const salt = saltOf()
      const big = { text: 'é😀x'.repeat(20_000), more: jsonValue(rand) }
      const expected = createHash('sha256')
        .update('agenttrail/field-commit/v1\u0000')
        .update(salt)
        .update('/input\u0000')
        .update(jcs(big))
        .digest('base64')
      expect(fieldCommitment(salt, '/input', big)).toBe(expected)
      const leaf = finishLeaf(prepareLeaf({ input: big }, salt), 1, 'x', null)
      expect(parseLeaf(leaf).commitments.get('/input')).toBe(expected)
    })
  })
})
