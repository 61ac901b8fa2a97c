import { describe, expect, it } from 'vitest'
import { jsonObject, jsonValue, seededRand } from '../../../../test/helpers/json-values.js'
import { jcs, JcsError } from './jcs.js'
import { jcsFast } from './jcs-fast.js'

/** What `f` writes, or the class of what it throws. */
function outcome(f: (v: unknown) => string, value: unknown): string {
  try {
    return f(value)
  } catch (err) {
    return `throws ${(err as Error).constructor.name}`
  }
}

describe('jcsFast', () => {
  it('writes what jcs writes for thousands of generated values', () => {
    const rand = seededRand(18)
    for (let i = 0; i < 5_000; i++) {
      const value = i % 2 ? jsonValue(rand, 4) : jsonObject(rand, 3)
      expect(jcsFast(value)).toBe(jcs(value))
    }
  })

  it('refuses what jcs refuses, with a JcsError', () => {
    class Thing {
      a = 1
    }
    const sparse: unknown[] = [1]
    sparse[2] = 3
    for (const bad of [
      NaN,
      Infinity,
      -Infinity,
      'a\ud800',
      '\udc00b',
      ['ok', 'x\udbff'],
      { ['\udc00']: 1 },
      { a: { ['b\ud800']: [] } },
      { ok: { deep: ['\ud83d'] } },
      [undefined],
      sparse,
      [1, [2, [NaN]]],
      { a: -Infinity },
      1n,
      { big: 1n },
      () => 1,
      { f: () => 1 },
      Symbol('s'),
      new Date(0),
      { when: new Date(0) },
      new Map(),
      new Thing(),
      [new Thing()],
    ]) {
      expect(() => jcsFast(bad)).toThrow(JcsError)
      expect(outcome(jcsFast, bad)).toBe(outcome(jcs, bad))
    }
  })

  it('leaves undefined members out without looking at their names, as jcs does', () => {
    const value = { b: 1, ['\ud800']: undefined, a: undefined }
    expect(jcsFast(value)).toBe('{"b":1}')
    expect(jcsFast(value)).toBe(jcs(value))
  })

  it('escapes what JSON.stringify escapes and nothing else', () => {
    const text = 'q" b\\ \u0000\u001f \u007f \u2028 é 😀'
    expect(jcsFast(text)).toBe(JSON.stringify(text))
    expect(jcsFast({ [text]: text })).toBe(`{${JSON.stringify(text)}:${JSON.stringify(text)}}`)
    expect(jcsFast('plain')).toBe('"plain"')
  })
})
