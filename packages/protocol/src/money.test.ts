import { describe, expect, it } from 'vitest'
import { microsToUsd, usdToMicros } from './money.js'

describe('usdToMicros', () => {
  it.each([
    [0, 0],
    ['0', 0],
    [0.1, 100_000],
    ['0.0123', 12_300],
    [0.0123, 12_300],
    [1e-7, 0],
    ['0.0000005', 1],
    ['0.0000004', 0],
    [12.345678, 12_345_678],
    ['3', 3_000_000],
    [0.1 + 0.2, 300_000],
  ])('parses %j exactly as %i micro-dollars', (value, micros) => {
    expect(usdToMicros(value)).toBe(micros)
  })

  it.each([
    [-1],
    ['-0.5'],
    ['1e3'],
    ['abc'],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [''],
    ['1.2.3'],
  ])('rejects %j', (value) => {
    expect(usdToMicros(value)).toBeUndefined()
  })

  it('turns micro-dollars back into dollars', () => {
    expect(microsToUsd(12_300)).toBe(0.0123)
    expect(microsToUsd(300_000)).toBe(0.3)
  })
})
