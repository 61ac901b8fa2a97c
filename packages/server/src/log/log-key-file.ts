import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** The log signing key file cannot be used: the server refuses to start (or rotate) with it. */
export class LogKeyError extends Error {
  override name = 'LogKeyError'
  /**
   * `unusable`: the file cannot be read or holds no Ed25519 key; `missing`: there is no file while
   * the log has a key; `not_current`: the file's key is not the log's current key.
   */
  constructor(
    message: string,
    readonly reason: 'unusable' | 'missing' | 'not_current' = 'unusable',
  ) {
    super(message)
  }
}

/** The Ed25519 key that signs the integrity log's checkpoints, as read from its file. */
export interface LogKey {
  privateKey: KeyObject
  /** Raw 32 bytes. */
  publicKey: Buffer
  /** Hex SHA-256 of the raw public key: the key's name in `log_keys` and in file names. */
  fingerprint: string
  /** The PKCS#8 PEM text, as in the file. */
  pem: string
}

/** Hex SHA-256 of a raw public key. */
export function keyFingerprint(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex')
}

/** The key of a PKCS#8 PEM text; a LogKeyError naming `path` when it is not an Ed25519 private key. */
export function parseLogKey(pem: string, path: string): LogKey {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch {
    throw new LogKeyError(
      `${path} is not a PEM private key; the log signing key is an Ed25519 PKCS#8 PEM file`,
    )
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new LogKeyError(
      `${path} holds a ${privateKey.asymmetricKeyType ?? 'non-asymmetric'} key; the log signing key must be Ed25519`,
    )
  // The SPKI DER of an Ed25519 key ends with its raw 32 bytes (RFC 8410).
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  const publicKey = Buffer.from(spki.subarray(spki.length - 32))
  return { privateKey, publicKey, fingerprint: keyFingerprint(publicKey), pem }
}

/** A new Ed25519 key, not yet written anywhere. */
export function generateLogKey(): LogKey {
  const pem = generateKeyPairSync('ed25519').privateKey.export({
    format: 'pem',
    type: 'pkcs8',
  }) as string
  return parseLogKey(pem, 'a new key')
}

/**
 * Writes `key` to a file that must not exist yet (O_EXCL), readable by its owner only (0600), in a
 * folder of mode 0700 created if needed. Throws the file system's error (EEXIST when it exists).
 */
export function writeKeyFile(path: string, key: LogKey): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeFileSync(path, key.pem, { flag: 'wx', mode: 0o600 })
}

/**
 * The signing key in `path`. With `create`, a missing file gets a new key (the first start).
 * Anything else that stops the file being read, or a key that is not Ed25519, is a LogKeyError
 * that says what to do.
 */
export function loadLogKey(
  path: string,
  options: { create: boolean },
): LogKey & { created: boolean } {
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ENOENT' && options.create) {
      const key = generateLogKey()
      try {
        writeKeyFile(path, key)
      } catch (writeError) {
        throw new LogKeyError(
          `cannot create the log signing key ${path} (${(writeError as { code?: string }).code ?? 'error'}); set AGENTTRAIL_LOG_KEY_FILE or fix the folder's permissions`,
        )
      }
      return { ...key, created: true }
    }
    if (code === 'ENOENT')
      throw new LogKeyError(
        `the log signing key ${path} does not exist, and the log already has a key: restore the file, or point AGENTTRAIL_LOG_KEY_FILE at it`,
        'missing',
      )
    throw new LogKeyError(
      `cannot read the log signing key ${path} (${code ?? 'error'}); check its owner and mode (0600)`,
    )
  }
  return { ...parseLogKey(pem, path), created: false }
}
