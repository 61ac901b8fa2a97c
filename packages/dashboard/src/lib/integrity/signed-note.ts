import { fromBase64, sameBytes, sha256, subtleCrypto, toHex, utf8 } from './bytes.js'
import { HASH_SIZE } from './merkle.js'

/**
 * C2SP signed-note (https://c2sp.org/signed-note) and tlog-checkpoint, read in the browser: the
 * note's text, its signature lines, the checkpoint in its text, and each Ed25519 signature (type
 * 0x01) or timestamped cosignature (type 0x04, C2SP tlog-cosignature) checked with WebCrypto.
 */

export const ED25519 = 0x01
export const COSIGNATURE_V1 = 0x04
const DASH = '\u2014 '

export interface Checkpoint {
  origin: string
  size: number
  root: Uint8Array
}

/** A published key: `vkey` is `<name>+<key id hex>+<base64(0x01 ‖ key)>` (Go's note package). */
export interface VerifierKey {
  name: string
  keyId: Uint8Array
  publicKey: Uint8Array
}

/** One signature line, and what checking it found. */
export interface SignatureCheck {
  name: string
  keyIdHex: string
  /** `unidentified`: without WebCrypto the key id cannot be matched to a key (it is a hash). */
  type: 'signature' | 'cosignature' | 'unknown key' | 'unidentified'
  /** Unix seconds, for a cosignature. */
  time?: number
  /** `unchecked`: the browser has no Ed25519; `unknown`: no published key has this name and id. */
  result: 'verified' | 'failed' | 'unchecked' | 'unknown'
}

export interface OpenedCheckpoint {
  body: string
  checkpoint: Checkpoint
  signatures: SignatureCheck[]
  /** Why signatures were not checked, when the browser cannot. */
  unchecked?: string
}

/** The note's text (through its last line's newline) and its signature lines. */
export function splitNote(note: string): { body: string; lines: string[] } {
  const cut = note.lastIndexOf('\n\n')
  if (!note.endsWith('\n') || cut < 0)
    throw new Error('not a signed note: no blank line before its signatures')
  const lines = note.slice(cut + 2, -1).split('\n')
  if (lines[0] === '') throw new Error('the note has no signature')
  return { body: note.slice(0, cut + 1), lines }
}

/** The origin, tree size and root hash of a checkpoint's text (C2SP tlog-checkpoint). */
export function parseCheckpoint(body: string): Checkpoint {
  const [origin = '', size = '', root = ''] = body.split('\n')
  if (!origin || !/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new Error('not a checkpoint: it needs an origin line, a tree size and a root')
  const rootBytes = fromBase64(root)
  if (rootBytes.length !== HASH_SIZE) throw new Error('not a checkpoint: the root is not 32 bytes')
  return { origin, size: Number(size), root: rootBytes }
}

/** The key id of a signed-note key: SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]. */
export async function keyIdOf(
  name: string,
  type: number,
  publicKey: Uint8Array,
): Promise<Uint8Array> {
  return (await sha256(utf8(name), new Uint8Array([0x0a, type]), publicKey)).slice(0, 4)
}

/** Reads a published verifier key and checks that its key id is its key's. */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const first = vkey.indexOf('+')
  const second = vkey.indexOf('+', first + 1)
  if (first <= 0 || second < 0) throw new Error('a verifier key reads <name>+<key id>+<base64 key>')
  const name = vkey.slice(0, first)
  const raw = fromBase64(vkey.slice(second + 1))
  if (raw.length !== 33 || raw[0] !== ED25519) throw new Error(`${name}: not an Ed25519 key`)
  const publicKey = raw.slice(1)
  const keyId = await keyIdOf(name, ED25519, publicKey)
  if (toHex(keyId) !== vkey.slice(first + 1, second))
    throw new Error(`${name}: the key id does not match the key`)
  return { name, keyId, publicKey }
}

let ed25519: Promise<boolean> | undefined

/**
 * Whether this browser's WebCrypto verifies Ed25519 (Chromium from 137; recent Firefox and Safari):
 * importing a known key tells, once per page.
 */
export function ed25519Supported(): Promise<boolean> {
  ed25519 ??= (async () => {
    try {
      await subtleCrypto().importKey('raw', new Uint8Array(32).fill(1), 'Ed25519', false, [
        'verify',
      ])
      return true
    } catch {
      return false
    }
  })()
  return ed25519
}

async function ed25519Verify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array) {
  const key = await subtleCrypto().importKey('raw', new Uint8Array(publicKey), 'Ed25519', false, [
    'verify',
  ])
  return subtleCrypto().verify('Ed25519', key, new Uint8Array(signature), new Uint8Array(message))
}

/**
 * Opens a checkpoint note: its checkpoint, and each signature checked against the published keys.
 * A browser without Ed25519 (or without WebCrypto) reports every signature `unchecked` with the
 * reason, never verified.
 */
export async function openCheckpoint(
  note: string,
  keys: readonly VerifierKey[],
): Promise<OpenedCheckpoint> {
  const { body, lines } = splitNote(note)
  const checkpoint = parseCheckpoint(body)
  let unchecked: string | undefined
  if (!globalThis.crypto?.subtle)
    unchecked = 'this page is not a secure context (HTTPS or localhost), so it has no WebCrypto'
  else if (!(await ed25519Supported())) unchecked = 'this browser’s WebCrypto has no Ed25519'
  const signatures: SignatureCheck[] = []
  for (const line of lines) {
    const space = line.lastIndexOf(' ')
    if (!line.startsWith(DASH) || space <= DASH.length)
      throw new Error('a signature line is malformed')
    const name = line.slice(DASH.length, space)
    const raw = fromBase64(line.slice(space + 1))
    const id = raw.slice(0, 4)
    if (!globalThis.crypto?.subtle)
      signatures.push({ name, keyIdHex: toHex(id), type: 'unidentified', result: 'unchecked' })
    else signatures.push(await checkLine(name, id, raw, body, keys, unchecked !== undefined))
  }
  return { body, checkpoint, signatures, ...(unchecked !== undefined && { unchecked }) }
}

async function checkLine(
  name: string,
  id: Uint8Array,
  raw: Uint8Array,
  body: string,
  keys: readonly VerifierKey[],
  cannotCheck: boolean,
): Promise<SignatureCheck> {
  const keyIdHex = toHex(id)
  for (const key of keys) {
    if (key.name !== name) continue
    if (sameBytes(id, key.keyId)) {
      if (cannotCheck) return { name, keyIdHex, type: 'signature', result: 'unchecked' }
      const ok = raw.length === 68 && (await ed25519Verify(key.publicKey, raw.slice(4), utf8(body)))
      return { name, keyIdHex, type: 'signature', result: ok ? 'verified' : 'failed' }
    }
    if (sameBytes(id, await keyIdOf(name, COSIGNATURE_V1, key.publicKey))) {
      if (raw.length !== 4 + 8 + 64)
        return { name, keyIdHex, type: 'cosignature', result: 'failed' }
      const big = new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0)
      const time = Number(big)
      if (cannotCheck) return { name, keyIdHex, type: 'cosignature', time, result: 'unchecked' }
      // The time as signed, in full: a Number past 2^53 would round it.
      const message = utf8(`cosignature/v1\ntime ${big}\n${body}`)
      const ok = await ed25519Verify(key.publicKey, raw.slice(12), message)
      return { name, keyIdHex, type: 'cosignature', time, result: ok ? 'verified' : 'failed' }
    }
  }
  return { name, keyIdHex, type: 'unknown key', result: 'unknown' }
}

/**
 * What the signatures say about a checkpoint: `verified` when a published key's signature checks
 * and none fails; `failed` when one fails, or when no published key signed it; `unchecked` when the
 * browser cannot check Ed25519.
 */
export function signatureVerdict(opened: OpenedCheckpoint): 'verified' | 'failed' | 'unchecked' {
  const known = opened.signatures.filter((s) => s.result !== 'unknown')
  if (known.some((s) => s.result === 'failed') || known.length === 0) return 'failed'
  if (known.some((s) => s.result === 'unchecked')) return 'unchecked'
  return 'verified'
}
