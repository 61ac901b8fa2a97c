import { describe, expect, it } from 'vitest'
import { isUuid, uuidv7 } from './uuid.js'

describe('uuidv7', () => {
  it('is a canonical version-7, variant-1 UUID carrying the time', () => {
    const now = Date.parse('2026-11-22T10:00:00Z')
    const id = uuidv7(now)
    expect(isUuid(id)).toBe(true)
    expect(id[14]).toBe('7')
    expect('89ab').toContain(id[19])
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(now)
  })

  it('increases strictly within one millisecond', () => {
    const ids = Array.from({ length: 1_000 }, () => uuidv7(1_800_000_000_000))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('writes the millisecond, the version and the counter where RFC 9562 puts them', () => {
    // Later than every other test's time, so the counter starts again at 0.
    const ms = 1_900_000_000_123
    const [a, b] = [uuidv7(ms), uuidv7(ms)]
    const hex = ms.toString(16).padStart(12, '0')
    expect(a.slice(0, 13)).toBe(`${hex.slice(0, 8)}-${hex.slice(8)}`)
    expect(a.slice(14, 18)).toBe('7000')
    expect(b.slice(14, 18)).toBe('7001')
    expect(a.slice(19)).not.toBe(b.slice(19))
  })

  it('accepts only canonical lower-case UUIDs', () => {
    expect(isUuid('01a200a6-10fb-7000-99df-090ac663c066')).toBe(true)
    expect(isUuid('01A200A6-10FB-7000-99DF-090AC663C066')).toBe(false)
    expect(isUuid('01a200a610fb700099df090ac663c066')).toBe(false)
  })
})
