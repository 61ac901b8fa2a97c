import { describe, expect, it } from 'vitest'
import { pageOf } from './page-of.js'

const page = (rows: number[], limit: number) =>
  pageOf(
    rows,
    limit,
    (n) => `item ${n}`,
    (n) => ({ after: n }),
  )

describe('pageOf', () => {
  it('has no next cursor when the rows fit in the limit', () => {
    expect(page([1, 2, 3], 3)).toStrictEqual({ items: ['item 1', 'item 2', 'item 3'] })
    expect(page([], 3)).toStrictEqual({ items: [] })
  })

  it('trims the extra row and points the cursor at the last item it keeps', () => {
    expect(page([1, 2, 3, 4], 3)).toStrictEqual({
      items: ['item 1', 'item 2', 'item 3'],
      next: { after: 3 },
    })
  })
})
