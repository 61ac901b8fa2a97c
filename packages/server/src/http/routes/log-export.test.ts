import { describe, expect, it } from 'vitest'
import { indexErasures, tombstoneOf } from './log-export.js'

describe('tombstoneOf', () => {
  it('finds the tombstone of a seq when tombstone ranges overlap', () => {
    // An erasure of 2..3 (tombstone 10), then the backfill's gap tombstone over 1..8 (tombstone 12)
    // and a later erasure of 5 (tombstone 15).
    const erasures = indexErasures([
      [2, 3, 10],
      [1, 8, 12],
      [5, 5, 15],
    ])
    expect([1, 2, 3, 4, 5, 6, 8].map((seq) => tombstoneOf(erasures, seq))).toEqual([
      12, 10, 10, 12, 12, 12, 12,
    ])
    expect(tombstoneOf(erasures, 9)).toBeUndefined()
  })

  it('finds a range nested far back behind shorter ones', () => {
    const erasures = indexErasures([
      [1, 100, 200],
      ...Array.from({ length: 20 }, (_, i) => [2 + i, 2 + i, 300 + i] as [number, number, number]),
    ])
    expect(tombstoneOf(erasures, 50)).toBe(200)
    expect(tombstoneOf(erasures, 7)).toBe(200)
    expect(tombstoneOf(erasures, 101)).toBeUndefined()
    expect(tombstoneOf(indexErasures([]), 1)).toBeUndefined()
  })
})
