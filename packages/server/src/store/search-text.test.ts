import { describe, expect, it } from 'vitest'
import { searchTerms, searchWords } from './search-text.js'

const row = (fields: { title?: string; input?: unknown; output?: unknown; error?: unknown }) => ({
  title: fields.title ?? null,
  input: fields.input === undefined ? null : JSON.stringify(fields.input),
  output: fields.output === undefined ? null : JSON.stringify(fields.output),
  error: fields.error === undefined ? null : JSON.stringify(fields.error),
})

describe('searchWords', () => {
  it('cuts an event into the words a query is cut into', () => {
    const words = searchWords(
      row({
        title: 'Déjà vu: user@example.com',
        input: { prompt: ['3.14 and ﬁne', { deep: true }], n: 42 },
        error: { message: 'Déjà VU again' },
      }),
    )
    expect(words.sort()).toEqual(
      [
        'deja',
        'vu',
        'user',
        'example',
        'com',
        '3',
        '14',
        'and',
        'fine',
        'true',
        '42',
        'again',
      ].sort(),
    )
    for (const q of ['DÉJÀ', 'example.com', 'ﬁne', '3.14'])
      for (const term of searchTerms(q)) expect(words).toContain(term)
    // Keys are not words of the event.
    expect(words).not.toContain('prompt')
  })

  it('leaves out words PostgreSQL cannot hold: one over 2,047 bytes, any past 1,000,000 bytes in all', () => {
    const long = 'a'.repeat(2_048)
    expect(searchWords(row({ title: `${long} short` }))).toEqual(['short'])
    expect(searchWords(row({ title: `${'é'.repeat(1_023)}x` }))).toEqual([`${'e'.repeat(1_023)}x`])
    // 400,000 distinct words of 5 bytes: the first 200,000 fit.
    const many = Array.from({ length: 400_000 }, (_, i) => `w${i.toString(36).padStart(4, '0')}`)
    const kept = searchWords(row({ input: many.join(' ') }))
    expect(kept).toEqual(many.slice(0, 200_000))
  })
})
