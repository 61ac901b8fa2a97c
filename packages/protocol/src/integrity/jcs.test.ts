import { describe, expect, it } from 'vitest'
import { jcs, JcsError } from './jcs.js'

describe('jcs (RFC 8785)', () => {
  it('canonicalizes the RFC 8785 §3.2.2 sample', () => {
    const input =
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}'
    expect(jcs(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    )
  })

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    }
    expect(jcs(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    )
  })

  it('writes numbers as ECMAScript does (RFC 8785 Appendix B)', () => {
    const bits = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0)
    const vectors: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af6', '1e+23'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555555', '333333333.3333333'],
    ]
    for (const [hex, text] of vectors) expect(jcs(bits(hex))).toBe(text)
  })

  it('refuses what is not I-JSON', () => {
    for (const bad of [
      NaN,
      Infinity,
      -Infinity,
      'a\ud800',
      { ['\udc00']: 1 },
      [undefined],
      1n,
      () => 1,
      new Date(0),
    ])
      expect(() => jcs(bad)).toThrow(JcsError)
  })

  it('is stable under a parse round trip and leaves out undefined members', () => {
    const value = { b: [1, { y: 'é', x: null }], a: { d: true, c: -0 }, u: undefined }
    const text = jcs(value)
    expect(text).toBe('{"a":{"c":0,"d":true},"b":[1,{"x":null,"y":"é"}]}')
    expect(jcs(JSON.parse(text))).toBe(text)
  })
})
