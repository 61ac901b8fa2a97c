import type { Bytes, LogCrypto } from './node-crypto.js'

// C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 (type 0x01) and the timestamped
// cosignature of C2SP tlog-cosignature (type 0x04), and the C2SP tlog-checkpoint text it carries:
// what a client needs to open the log's checkpoints. The same rules as @agenttrail/protocol/integrity.

const ED25519 = 0x01
const COSIGNATURE_V1 = 0x04
const DASH = '\u2014 '
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/u

/** A log's public key, from its verifier key `<name>+<key id hex>+<base64(0x01 ‖ key)>`. */
export interface NoteVerifier {
  name: string
  /** 8 hex digits. */
  keyId: string
  publicKey: Bytes
}

/** What a checkpoint says, once one of the given keys' signatures over it verified. */
export interface OpenedCheckpoint {
  origin: string
  treeSize: number
  rootHash: Bytes
  /** The key id (hex) whose Ed25519 signature verified. */
  keyId: string
  /** When it was signed (the timestamped cosignature's time, Unix seconds), when it has a valid one. */
  signedAt: number | null
}

/** A note that cannot be trusted, with the reason in words. */
export class NoteProblem extends Error {
  override name = 'NoteProblem'
}

function keyIdOf(crypto: LogCrypto, name: string, type: number, publicKey: Uint8Array): string {
  return crypto
    .sha256(name, new Uint8Array([0x0a, type]), publicKey)
    .subarray(0, 4)
    .toString('hex')
}

/** Parses a verifier key and checks that its key id matches its key. */
export function parseVerifierKey(crypto: LogCrypto, vkey: string): NoteVerifier {
  const text = vkey.trim()
  const first = text.indexOf('+')
  const second = text.indexOf('+', first + 1)
  if (first <= 0 || second < 0)
    throw new NoteProblem('a verifier key reads <name>+<key id>+<base64 key>')
  const name = text.slice(0, first)
  const id = text.slice(first + 1, second)
  const b64 = text.slice(second + 1)
  const raw = crypto.fromBase64(b64)
  if (!/^[0-9a-f]{8}$/u.test(id) || !BASE64.test(b64) || raw.length !== 33 || raw[0] !== ED25519)
    throw new NoteProblem(`verifier key ${name}: not an Ed25519 signed-note key`)
  const publicKey = raw.subarray(1)
  if (keyIdOf(crypto, name, ED25519, publicKey) !== id)
    throw new NoteProblem(`verifier key ${name}: its key id does not match its key`)
  return { name, keyId: id, publicKey }
}

/**
 * Opens a checkpoint note: finds a signature of one of `keys` (by name and key id), verifies it
 * over the note's text, and reads the origin, tree size and root. Throws a NoteProblem saying
 * what is wrong: a malformed note, no signature by a given key, or a signature that fails.
 */
export function openCheckpoint(
  crypto: LogCrypto,
  note: string,
  keys: readonly NoteVerifier[],
): OpenedCheckpoint {
  const cut = note.lastIndexOf('\n\n')
  if (!note.endsWith('\n') || cut < 0)
    throw new NoteProblem('the checkpoint is not a signed note (text, blank line, signatures)')
  const body = note.slice(0, cut + 1)
  const lines = note.slice(cut + 2, -1).split('\n')
  const message = crypto.fromUtf8(body)
  let signed: string | undefined
  let signedAt: number | null = null
  for (const line of lines) {
    const space = line.lastIndexOf(' ')
    if (!line.startsWith(DASH) || space <= DASH.length || !BASE64.test(line.slice(space + 1)))
      throw new NoteProblem(`the checkpoint has a malformed signature line`)
    const name = line.slice(DASH.length, space)
    const raw = crypto.fromBase64(line.slice(space + 1))
    const id = raw.subarray(0, 4).toString('hex')
    for (const key of keys) {
      if (key.name !== name) continue
      if (id === key.keyId) {
        if (!crypto.ed25519Verify(key.publicKey, message, raw.subarray(4)))
          throw new NoteProblem(`the signature of key ${id} (${name}) does not verify`)
        signed = id
      } else if (raw.length === 76 && id === keyIdOf(crypto, name, COSIGNATURE_V1, key.publicKey)) {
        const time = raw.readBigUInt64BE(4)
        const cosigned = crypto.fromUtf8(`cosignature/v1\ntime ${time}\n${body}`)
        if (!crypto.ed25519Verify(key.publicKey, cosigned, raw.subarray(12)))
          throw new NoteProblem(`the timestamped cosignature of key ${key.keyId} does not verify`)
        if (time <= BigInt(Number.MAX_SAFE_INTEGER)) signedAt = Number(time)
      }
    }
  }
  if (signed === undefined)
    throw new NoteProblem(
      `the checkpoint has no signature by a known key (it names ${lines.length} signature(s); known: ${keys.map((k) => k.keyId).join(', ') || 'none'})`,
    )
  return { ...parseCheckpointBody(crypto, body), keyId: signed, signedAt }
}

function parseCheckpointBody(crypto: LogCrypto, body: string) {
  const [origin = '', size = '', root = ''] = body.slice(0, -1).split('\n')
  const rootHash = crypto.fromBase64(root)
  if (origin === '' || !/^(0|[1-9][0-9]{0,15})$/u.test(size) || !Number.isSafeInteger(Number(size)))
    throw new NoteProblem('the checkpoint text has no origin and tree size')
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root)
    throw new NoteProblem('the checkpoint text has no base64 SHA-256 root')
  return { origin, treeSize: Number(size), rootHash }
}
