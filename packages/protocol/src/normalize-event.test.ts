import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { normalizeEvent } from './normalize-event.js'

const now = Date.parse('2026-11-22T10:00:00Z')
const ok = (raw: unknown) => {
  const r = normalizeEvent(raw, { now })
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.event
}

describe('normalizeEvent', () => {
  it('fills defaults', () => {
    const e = ok({})
    expect(e).toMatchObject({
      ts: now,
      environment: 'production',
      kind: 'action',
      status: 'success',
      tags: [],
      metadata: '{}',
      cost_micros: null,
      cost_source: null,
      tokens_total: null,
    })
  })

  it('maps status words and keeps the original word', () => {
    expect(ok({ status: 'FAILED' })).toMatchObject({
      status: 'error',
      metadata: '{"original_status":"FAILED"}',
    })
    expect(ok({ status: 'blocked' }).status).toBe('denied')
    expect(ok({ status: 'error' }).metadata).toBe('{}')
  })

  it('derives tokens_total and keeps an explicit one', () => {
    expect(ok({ tokens_input: 10, tokens_output: 5 }).tokens_total).toBe(15)
    expect(ok({ tokens_output: 5 }).tokens_total).toBe(5)
    expect(ok({ tokens_input: 10, tokens_total: 99 }).tokens_total).toBe(99)
  })

  it('accepts ISO times with offsets and epoch milliseconds', () => {
    expect(ok({ ts: '2026-11-22T11:00:00+01:00' }).ts).toBe(now)
    expect(ok({ ts: now - 5 }).ts).toBe(now - 5)
  })

  it('stores a system prompt once by its SHA-256', () => {
    const e = ok({ system_prompt: 'You are helpful.' })
    expect(e.system_prompt_sha256).toBe(
      createHash('sha256').update('You are helpful.').digest('hex'),
    )
    expect(e.system_prompt).toBe('You are helpful.')
  })

  it('de-duplicates tags and rounds durations', () => {
    expect(ok({ tags: ['a', 'b', 'a'], duration_ms: 12.6 })).toMatchObject({
      tags: ['a', 'b'],
      duration_ms: 13,
    })
  })

  it('prefixes issue paths for batch items', () => {
    const r = normalizeEvent({ agent: 1 }, { now, path: 'events.4' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]?.path).toBe('events.4.agent')
  })

  it('never puts the rejected value in the message', () => {
    const r = normalizeEvent({ status: 'my-password-is-hunter2-and-more-words' }, { now })
    if (r.ok) throw new Error('expected failure')
    expect(r.issues[0]?.message).not.toContain('hunter2-and-more')
  })
})
