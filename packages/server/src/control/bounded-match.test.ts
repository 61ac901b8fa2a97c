import { describe, expect, it } from 'vitest'
import { findPattern } from './bounded-match.js'
import { MAX_PROGRAM, compileSafePattern } from './safe-regex.js'

describe('matching user patterns with a hard bound', () => {
  it('refuses patterns that need backtracking or compile to too large a program, saying why', () => {
    expect(() => compileSafePattern('(a)\\1')).toThrow(
      /back-references and look-around are not supported/,
    )
    expect(() => compileSafePattern('(?=a)b')).toThrow(/not a valid pattern/)
    expect(() => compileSafePattern('(?:a{1,100}){1,10}x')).toThrow(`at most ${MAX_PROGRAM}`)
    expect(() => compileSafePattern('x'.repeat(201))).toThrow(/at most 200 characters/)
    // The case flag is a flag, not text: a pattern of 200 characters stays valid with it.
    expect(compileSafePattern('x'.repeat(200), true).test('X'.repeat(200))).toBe(true)
  })

  it('finds the first matching pattern inline for small texts and in the matching thread for large ones', () => {
    const patterns = [
      compileSafePattern('never-there'),
      compileSafePattern('\\b\\d{3}-\\d{2}-\\d{4}\\b'),
    ]
    expect(findPattern(patterns, 'ssn 123-45-6789')).toBe(1)
    expect(findPattern(patterns, 'nothing here')).toBe(-1)
    // Just over the inline work, so the thread matches it, and far under the bound even on a busy machine.
    const large = `${'lorem ipsum '.repeat(4_000)} 123-45-6789`
    expect(findPattern(patterns, large)).toBe(1)
    expect(findPattern(patterns, large.slice(0, -12))).toBe(-1)
  })

  it('gives up after its time bound on work that would take seconds, and keeps working afterwards', () => {
    const heavy = [compileSafePattern('(?:[a-z]{1,30}){1,15}[0-9]')]
    const text = 'abcdefghij'.repeat(300_000)
    const started = Date.now()
    expect(findPattern(heavy, text, 100)).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(2_000)
    // The matching thread was replaced: the next large match works.
    expect(findPattern([compileSafePattern('z9')], `${'a'.repeat(400_000)}z9`)).toBe(0)
  })

  it('starts its time bound when the thread takes the work up, not at the start of a new thread', () => {
    // A timeout replaces the thread; the next large match starts a new one, which takes longer than
    // this bound to start, but the match itself fits in it.
    const heavy = [compileSafePattern('(?:[a-z]{1,30}){1,15}[0-9]')]
    expect(findPattern(heavy, 'abcdefghij'.repeat(300_000), 1)).toBe('timeout')
    expect(findPattern([compileSafePattern('z9')], `${'a'.repeat(400_000)}z9`, 200)).toBe(0)
  })
})
