import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto'
import type { KeyObject } from 'node:crypto'

/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 (signature type 0x01), and the
 * timestamped Ed25519 cosignature of C2SP tlog-cosignature (type 0x04), which is how a checkpoint
 * carries the time it was signed. A note is its text (ending in a newline), a blank line, then one
 * line per signature: `— <key name> base64(key id ‖ signature)`, with the key id
 * SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4].
 */
export class NoteError extends Error {
  override name = 'NoteError'
}

export const ED25519 = 0x01
export const COSIGNATURE_V1 = 0x04
const DASH = '\u2014 '
/** The DER prefix of a PKCS#8 Ed25519 private key, before its 32-byte seed (RFC 8410). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
/** The DER prefix of an SPKI Ed25519 public key, before its 32 bytes (RFC 8410). */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

function checkName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name) || !name.isWellFormed())
    throw new NoteError(`"${name}" is not a key name (no spaces, no "+")`)
}

export function keyId(name: string, type: number, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest()
    .subarray(0, 4)
}

/** A verifier key as Go's note package writes it: `<name>+<key id hex>+<base64(0x01 ‖ key)>`. */
export function verifierKey(name: string, publicKey: Uint8Array): string {
  checkName(name)
  if (publicKey.length !== 32) throw new NoteError('an Ed25519 public key is 32 bytes')
  const id = keyId(name, ED25519, publicKey).toString('hex')
  return `${name}+${id}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`
}

export interface NoteKey {
  name: string
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Buffer
  /** Its signed-note key id (type 0x01). */
  keyId: Buffer
}

export function parseVerifierKey(vkey: string): NoteKey {
  // The base64 key may itself hold "+": only the first two separate.
  const text = vkey.trim()
  const first = text.indexOf('+')
  const second = text.indexOf('+', first + 1)
  if (first <= 0 || second < 0)
    throw new NoteError('a verifier key reads <name>+<key id>+<base64 key>')
  const name = text.slice(0, first)
  const idHex = text.slice(first + 1, second)
  const b64 = text.slice(second + 1)
  checkName(name)
  const raw = Buffer.from(b64, 'base64')
  if (
    !/^[0-9a-f]{8}$/u.test(idHex) ||
    !/^[A-Za-z0-9+/]+={0,2}$/u.test(b64) ||
    raw.length !== 33 ||
    raw[0] !== ED25519
  )
    throw new NoteError(`verifier key ${name}: not an Ed25519 signed-note key`)
  const publicKey = raw.subarray(1)
  const id = keyId(name, ED25519, publicKey)
  if (id.toString('hex') !== idHex)
    throw new NoteError(`verifier key ${name}: its key id does not match its key`)
  return { name, publicKey, keyId: id }
}

/** Signs note texts with an Ed25519 key. */
export interface NoteSigner {
  readonly name: string
  readonly publicKey: Buffer
  sign(message: Uint8Array): Buffer
}

export function ed25519Signer(name: string, privateKeyPem: string | KeyObject): NoteSigner {
  checkName(name)
  const key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem
  if (key.asymmetricKeyType !== 'ed25519') throw new NoteError('the signing key is not Ed25519')
  const publicKey = rawPublicKey(createPublicKey(key))
  return { name, publicKey, sign: (message) => sign(null, message, key) }
}

/** A new Ed25519 private key, PKCS#8 PEM. */
export function generateEd25519Pem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({
    format: 'pem',
    type: 'pkcs8',
  }) as string
}

/** The private key of a 32-byte Ed25519 seed (as Go's `PRIVATE+KEY+…` strings carry). */
export function ed25519KeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new NoteError('an Ed25519 seed is 32 bytes')
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  })
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' })
  return Buffer.from(der.subarray(der.length - 32))
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' })
}

/** What a cosignature signs (tlog-cosignature v1). */
export function cosignedMessage(body: string, time: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${time}\n${body}`, 'utf8')
}

function checkBody(body: string): void {
  if (!body.endsWith('\n') || body.includes('\n\n') || !body.isWellFormed())
    throw new NoteError('a note text ends with a newline and holds no blank line')
}

/** The signature line of `signer` over `body`: type 0x01, or with `cosignAt` a timestamped cosignature. */
export function signatureLine(body: string, signer: NoteSigner, cosignAt?: number): string {
  checkBody(body)
  if (cosignAt === undefined) {
    const sig = signer.sign(Buffer.from(body, 'utf8'))
    const id = keyId(signer.name, ED25519, signer.publicKey)
    return `${DASH}${signer.name} ${Buffer.concat([id, sig]).toString('base64')}\n`
  }
  if (!Number.isSafeInteger(cosignAt) || cosignAt < 0) throw new NoteError('bad cosignature time')
  const time = Buffer.alloc(8)
  time.writeBigUInt64BE(BigInt(cosignAt))
  const sig = signer.sign(cosignedMessage(body, cosignAt))
  const id = keyId(signer.name, COSIGNATURE_V1, signer.publicKey)
  return `${DASH}${signer.name} ${Buffer.concat([id, time, sig]).toString('base64')}\n`
}

/** A signed note: the text, a blank line, the signer's signature and, with `cosignAt`, its timestamped cosignature. */
export function signNote(body: string, signer: NoteSigner, cosignAt?: number): string {
  const lines = [signatureLine(body, signer)]
  if (cosignAt !== undefined) lines.push(signatureLine(body, signer, cosignAt))
  return `${body}\n${lines.join('')}`
}

/** Adds signature lines (a witness's cosignature) to a note. */
export function addSignatures(note: string, lines: readonly string[]): string {
  splitNote(note)
  for (const line of lines) parseSignatureLine(line.replace(/\n$/u, ''))
  return note + lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('')
}

export interface NoteSignature {
  name: string
  keyId: Buffer
  /** 0x01 Ed25519, 0x04 timestamped cosignature, or another type this code does not check. */
  type: number | null
  /** Unix seconds, for a cosignature. */
  time?: number
  /** True or false when a given key has this name and id; null when no given key does. */
  valid: boolean | null
  line: string
}

export interface OpenedNote {
  body: string
  signatures: NoteSignature[]
}

function splitNote(note: string): { body: string; lines: string[] } {
  if (!note.endsWith('\n')) throw new NoteError('a note ends with a newline')
  const cut = note.lastIndexOf('\n\n')
  if (cut < 0) throw new NoteError('a note has no blank line before its signatures')
  const body = note.slice(0, cut + 1)
  const lines = note.slice(cut + 2, -1).split('\n')
  if (lines.length === 0 || lines[0] === '') throw new NoteError('a note has no signature')
  if (lines.length > 100) throw new NoteError('a note has too many signatures')
  return { body, lines }
}

function parseSignatureLine(line: string): { name: string; raw: Buffer } {
  if (!line.startsWith(DASH)) throw new NoteError(`"${line}" is not a signature line`)
  const rest = line.slice(DASH.length)
  const space = rest.lastIndexOf(' ')
  const name = rest.slice(0, space)
  const b64 = rest.slice(space + 1)
  if (space <= 0 || !/^[A-Za-z0-9+/]+={0,2}$/u.test(b64))
    throw new NoteError(`"${line}" is not a signature line`)
  checkName(name)
  const raw = Buffer.from(b64, 'base64')
  if (raw.length < 5) throw new NoteError(`"${line}" holds no signature`)
  return { name, raw }
}

/**
 * Splits a note and checks each signature whose name and key id match one of `keys`; signatures by
 * keys not given are listed with `valid: null` (signed-note verifiers ignore unknown keys).
 */
export function openNote(note: string, keys: readonly NoteKey[]): OpenedNote {
  const { body, lines } = splitNote(note)
  checkBody(body)
  const signatures = lines.map((line): NoteSignature => {
    const { name, raw } = parseSignatureLine(line)
    const id = raw.subarray(0, 4)
    for (const key of keys) {
      if (key.name !== name) continue
      if (id.equals(keyId(name, ED25519, key.publicKey))) {
        const sig = raw.subarray(4)
        const valid =
          sig.length === 64 &&
          verify(null, Buffer.from(body, 'utf8'), publicKeyObject(key.publicKey), sig)
        return { name, keyId: Buffer.from(id), type: ED25519, valid, line }
      }
      if (id.equals(keyId(name, COSIGNATURE_V1, key.publicKey))) {
        if (raw.length !== 4 + 8 + 64)
          return { name, keyId: Buffer.from(id), type: COSIGNATURE_V1, valid: false, line }
        const big = raw.readBigUInt64BE(4)
        const time = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : -1
        const valid =
          time >= 0 &&
          verify(
            null,
            cosignedMessage(body, time),
            publicKeyObject(key.publicKey),
            raw.subarray(12),
          )
        return { name, keyId: Buffer.from(id), type: COSIGNATURE_V1, time, valid, line }
      }
    }
    return { name, keyId: Buffer.from(id), type: null, valid: null, line }
  })
  return { body, signatures }
}
