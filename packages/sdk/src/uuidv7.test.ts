import { describe, expect, it } from 'vitest'
import { uuidv7 } from './uuidv7.js'

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('uuidv7', () => {
  it('makes RFC 9562 version 7 ids that carry the millisecond', () => {
    const now = Date.now() + 10_000
    const id = uuidv7(now)
    expect(id).toMatch(V7)
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now)
  })

  it('keeps ids from one process strictly increasing, within a millisecond and across a clock step back', () => {
    const now = Date.now() + 20_000
    const ids = [uuidv7(now), uuidv7(now), uuidv7(now), uuidv7(now - 5000), uuidv7(now + 1)]
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('does not repeat over many ids', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => uuidv7()))
    expect(ids.size).toBe(20_000)
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(V7)
  })
})
