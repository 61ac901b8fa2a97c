import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Secrets at rest (webhook secrets, Slack and Discord URLs, PagerDuty routing keys) are sealed
 * with AES-256-GCM under one server key, so a copy of the database alone does not reveal them.
 */
export interface SecretBox {
  /** `v1.<base64 iv>.<base64 ciphertext and 16-byte tag>`; a fresh random IV each call. */
  seal(plain: string): string
  /** The plain text back. Throws when the key does not match or the value was altered. */
  open(sealed: string): string
}

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_FILE = 'secret.key'

class SecretKeyError extends Error {
  override name = 'SecretKeyError'
}

/** A box sealing with `key` (32 bytes, see `loadSecretKey`). */
function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES)
    throw new SecretKeyError(`the secret key must be ${KEY_BYTES} bytes`)
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const sealed = Buffer.concat([
        cipher.update(plain, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ])
      return `v1.${iv.toString('base64')}.${sealed.toString('base64')}`
    },
    open(sealed) {
      const [version, ivText, dataText, ...rest] = sealed.split('.')
      const iv = Buffer.from(ivText ?? '', 'base64')
      const data = Buffer.from(dataText ?? '', 'base64')
      if (version !== 'v1' || rest.length > 0 || iv.length !== IV_BYTES || data.length < TAG_BYTES)
        throw new SecretKeyError('a stored secret is not in the v1.<iv>.<data> sealed format')
      const decipher = createDecipheriv('aes-256-gcm', key, iv)
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES))
      try {
        const plain = decipher.update(data.subarray(0, data.length - TAG_BYTES))
        return Buffer.concat([plain, decipher.final()]).toString('utf8')
      } catch {
        // GCM cannot tell a wrong key from altered data; the wrong key is the likely case.
        throw new SecretKeyError(
          'a stored secret cannot be opened with this server’s key: AGENTTRAIL_SECRET_KEY (or ' +
            `<data dir>/${KEY_FILE}) differs from the key it was sealed with, or the value was altered`,
        )
      }
    },
  }
}

export interface LoadSecretKeyOptions {
  /** `AGENTTRAIL_SECRET_KEY`: base64 of 32 bytes. Wins over the key file. */
  configured?: string | undefined
  /** Where `secret.key` lives when no key is configured. */
  dataDir: string
}

/**
 * The server's secret key: the configured one, or else `<dataDir>/secret.key` (32 raw bytes),
 * created with mode 0600 on first use. Servers sharing one PostgreSQL database must share the key,
 * so they need `AGENTTRAIL_SECRET_KEY`; the file suits one server on its own data directory.
 */
function loadSecretKey(options: LoadSecretKeyOptions): Buffer {
  const { configured, dataDir } = options
  if (configured !== undefined && configured !== '') return decodeConfigured(configured)
  const path = join(dataDir, KEY_FILE)
  try {
    return readKeyFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  mkdirSync(dataDir, { recursive: true })
  // The whole key is written to a private temporary file first and then linked into place: a link
  // fails when the name exists, so of two servers starting at once exactly one key wins, and the
  // loser never sees a half-written file. It reads the winner's key back.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(temporary, randomBytes(KEY_BYTES), { flag: 'wx', mode: 0o600 })
  try {
    linkSync(temporary, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    unlinkSync(temporary)
  }
  return readKeyFile(path)
}

function decodeConfigured(configured: string): Buffer {
  const trimmed = configured.trim()
  const key = Buffer.from(trimmed, 'base64')
  // Buffer.from ignores characters outside the alphabet, so check the text, not just the length.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES)
    throw new SecretKeyError(
      `AGENTTRAIL_SECRET_KEY must be the base64 of ${KEY_BYTES} random bytes ` +
        '(e.g. `openssl rand -base64 32`)',
    )
  return key
}

function readKeyFile(path: string): Buffer {
  const key = readFileSync(path)
  if (key.length !== KEY_BYTES)
    throw new SecretKeyError(`${path} must hold exactly ${KEY_BYTES} bytes; it holds ${key.length}`)
  return key
}

export { createSecretBox, loadSecretKey, SecretKeyError }
