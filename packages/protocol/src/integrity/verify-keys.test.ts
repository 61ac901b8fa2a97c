import { describe, expect, it } from 'vitest'
import { ed25519Signer, generateEd25519Pem, verifierKey } from './note.js'
import { keyValidAt, parseKeysFile, trustedKey } from './verify-keys.js'

const vkey = verifierKey(
  'log.example/t/acme',
  ed25519Signer('log.example/t/acme', generateEd25519Pem()).publicKey,
)

describe('parseKeysFile', () => {
  it('reads the JSON of /.well-known/agenttrail/log-keys with each key’s window', () => {
    const text = JSON.stringify({
      keys: [{ name: 'x', vkey, not_before: '2026-01-01T00:00:00Z', not_after: null }],
    })
    expect(parseKeysFile(text)).toEqual([
      { vkey, not_before: '2026-01-01T00:00:00Z', not_after: null },
    ])
  })

  it('reads verifier keys one per line, skipping blanks and # comments', () => {
    expect(parseKeysFile(`# pinned 2026-06-01\n\n${vkey}\n`)).toEqual([{ vkey }])
  })

  it('says what is wrong with a file it cannot use', () => {
    expect(() => parseKeysFile('{ nope')).toThrow(/not valid JSON/)
    expect(() => parseKeysFile('{"keys": []}')).toThrow(/at least one key/)
    expect(() => parseKeysFile('{"keys": [{}]}')).toThrow(/keys\[0\] has no "vkey"/)
    expect(() => parseKeysFile('# nothing\n')).toThrow(/holds no key/)
  })
})

describe('trustedKey', () => {
  it('parses the key and its window, and judges a time against it', () => {
    const key = trustedKey({
      vkey,
      not_before: '2026-01-01T00:00:00Z',
      not_after: Date.parse('2026-02-01T00:00:00Z'),
    })
    expect(key.name).toBe('log.example/t/acme')
    const s = (iso: string) => Date.parse(iso) / 1000
    expect(keyValidAt(key, s('2026-01-15T00:00:00Z'))).toBe(true)
    expect(keyValidAt(key, s('2025-12-31T23:59:59Z'))).toBe(false)
    expect(keyValidAt(key, s('2026-02-01T00:00:01Z'))).toBe(false)
    // The signed time is whole seconds: the second the window opens in counts.
    const late = { ...key, notBefore: Date.parse('2026-01-01T00:00:00.400Z') }
    expect(keyValidAt(late, s('2026-01-01T00:00:00Z'))).toBe(true)
  })

  it('refuses a key that is not a verifier key, or a window that is not a time', () => {
    expect(() => trustedKey({ vkey: 'abc' })).toThrow(/verifier key must read/)
    expect(() => trustedKey({ vkey, not_before: 'yesterday' })).toThrow(/ISO 8601/)
  })
})
