import { parseVerifierKey } from './note.js'

/** A key a verifier trusts: a note verifier key and, when known, when it was in use. */
export interface TrustedKeyInput {
  /** `<name>+<hex key id>+<base64(0x01 ‖ public key)>` (a Go note verifier key). */
  vkey: string
  /** ISO 8601 text or epoch ms; absent or null: no bound. */
  not_before?: string | number | null
  not_after?: string | number | null
}

/** A parsed trusted key; times in epoch ms. */
export interface TrustedKey {
  name: string
  keyId: Buffer
  publicKey: Buffer
  notBefore: number | null
  notAfter: number | null
}

/** Epoch ms of an ISO 8601 text or a number of ms; null for absent; NaN for nonsense. */
export function windowTime(value: unknown): number | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN
  if (typeof value === 'string') return Date.parse(value)
  return NaN
}

/** Parses one trusted key; throws an Error naming what is wrong (never the key's bytes). */
export function trustedKey(input: TrustedKeyInput): TrustedKey {
  let parsed: ReturnType<typeof parseVerifierKey>
  try {
    parsed = parseVerifierKey(input.vkey)
  } catch {
    throw new Error(
      'a verifier key must read <name>+<8 hex digits>+<base64 Ed25519 key>, as /.well-known/agenttrail/log-keys lists it',
    )
  }
  const notBefore = windowTime(input.not_before)
  const notAfter = windowTime(input.not_after)
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter))
    throw new Error(`key ${parsed.name}: not_before and not_after must be ISO 8601 times`)
  return { ...parsed, notBefore, notAfter }
}

/**
 * The keys of a keys file: the JSON that `GET /.well-known/agenttrail/log-keys` returns
 * (`{ "keys": [{ "vkey", "not_before", "not_after" }] }`), or verifier keys one per line (blank
 * lines and lines starting with `#` are skipped). Throws an Error saying what is wrong.
 */
export function parseKeysFile(text: string): TrustedKeyInput[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    let body: unknown
    try {
      body = JSON.parse(trimmed)
    } catch {
      throw new Error('the keys file starts with { but is not valid JSON')
    }
    const keys = (body as { keys?: unknown }).keys
    if (!Array.isArray(keys) || keys.length === 0)
      throw new Error('the keys file must hold {"keys": [...]} with at least one key')
    return keys.map((k: unknown, i) => {
      const key = k as Record<string, unknown> | null
      if (typeof key?.vkey !== 'string') throw new Error(`keys[${i}] has no "vkey" text`)
      return {
        vkey: key.vkey,
        not_before: key.not_before as string | number | null | undefined,
        not_after: key.not_after as string | number | null | undefined,
      }
    })
  }
  const lines = trimmed
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  if (lines.length === 0) throw new Error('the keys file holds no key')
  return lines.map((vkey) => ({ vkey }))
}

/** Whether epoch-ms `at` lies inside the key's window. */
export function keyValidAt(key: TrustedKey, unixSeconds: number): boolean {
  // A cosignature's time is whole seconds: the key was valid if its window meets that second (a
  // key that began at 12:00:00.400 may have signed at 12:00:00).
  const from = unixSeconds * 1000
  return (
    (key.notBefore === null || from + 999 >= key.notBefore) &&
    (key.notAfter === null || from <= key.notAfter)
  )
}
