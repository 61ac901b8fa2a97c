import { hash, randomFillSync } from 'node:crypto'
import { jcs } from './jcs.js'

/**
 * The salted commitments that keep personal data out of a leaf (see docs/integrity.md): each
 * personal field that is not null, and each value of `metadata`, enters the leaf as
 * `{ "$commit": base64(c) }` with c = SHA-256(COMMIT_DOMAIN ‖ salt ‖ UTF-8(path) ‖ 0x00 ‖
 * UTF-8(JCS(value))), `path` the field's RFC 6901 pointer and `salt` 32 random bytes of the event's
 * own, stored apart from the leaf. Erasing the event deletes the salt and the values; the leaf, and
 * every root over it, stay as they were.
 */
export const COMMIT_DOMAIN = 'agenttrail/field-commit/v1\u0000'
export const SALT_SIZE = 32

/** Top-level event fields that can hold personal data, committed whole. `metadata` is committed per value. */
export const PERSONAL_FIELDS: readonly string[] = [
  'error',
  'input',
  'ip_address',
  'messages',
  'output',
  'system_prompt_sha256',
  'thinking',
  'tool_calls',
  'user',
]

const DOMAIN = Buffer.from(COMMIT_DOMAIN, 'utf8')
const TEXT_AT = DOMAIN.length + SALT_SIZE
/** Largest hash input written into `scratch`; a longer one gets a buffer of its own. */
const SCRATCH_SIZE = 64 * 1024
// COMMIT_DOMAIN ‖ salt ‖ path ‖ 0x00 ‖ text, written in place: one UTF-8 encoding and no
// allocation per commitment. Only ever used synchronously, start to end, inside `commitDigest`.
const scratch = Buffer.allocUnsafe(SCRATCH_SIZE)
DOMAIN.copy(scratch)

/**
 * base64 of SHA-256(COMMIT_DOMAIN ‖ salt ‖ UTF-8(path) ‖ 0x00 ‖ UTF-8(text)), `text` the value's
 * JCS text. One-shot hashing: for inputs this small, `crypto.hash` costs about half of `createHash`.
 */
export function commitDigest(salt: Uint8Array, path: string, text: string): string {
  if (salt.length !== SALT_SIZE) throw new RangeError('a commitment salt is 32 bytes')
  const body = `${path}\u0000${text}`
  // A UTF-16 code unit is at most 3 bytes of UTF-8, so a body of this length always fits.
  if (TEXT_AT + body.length * 3 > SCRATCH_SIZE)
    return hash('sha256', Buffer.concat([DOMAIN, salt, Buffer.from(body, 'utf8')]), 'base64')
  scratch.set(salt, DOMAIN.length)
  const end = TEXT_AT + scratch.write(body, TEXT_AT, 'utf8')
  return hash('sha256', scratch.subarray(0, end), 'base64')
}

/** An RFC 6901 JSON pointer to a member. */
export function pointer(...names: readonly string[]): string {
  return names.map((n) => `/${n.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')
}

/** base64 of SHA-256(COMMIT_DOMAIN ‖ salt ‖ path ‖ 0x00 ‖ JCS(value)). */
export function fieldCommitment(salt: Uint8Array, path: string, value: unknown): string {
  return commitDigest(salt, path, jcs(value))
}

type EventLike = Readonly<Record<string, unknown>>

/** The event with its personal fields and metadata values replaced by their commitments. */
export function committedEvent(event: EventLike, salt: Uint8Array): Record<string, unknown> {
  if (salt.length !== SALT_SIZE) throw new RangeError('a commitment salt is 32 bytes')
  const out: Record<string, unknown> = { ...event }
  for (const field of PERSONAL_FIELDS) {
    const value = event[field]
    if (value !== null && value !== undefined)
      out[field] = { $commit: fieldCommitment(salt, `/${field}`, value) }
  }
  const metadata = event.metadata
  if (metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)) {
    // Without a prototype, a member named `__proto__` (JSON.parse makes one) stays a member.
    const committed = Object.create(null) as Record<string, unknown>
    for (const [key, value] of Object.entries(metadata))
      if (value !== undefined)
        committed[key] = { $commit: fieldCommitment(salt, pointer('metadata', key), value) }
    out.metadata = committed
  }
  return out
}

/** Every commitment in a committed event, by path: what a leaf commits to without showing it. */
export function commitmentsOf(committed: EventLike): Map<string, string> {
  const out = new Map<string, string>()
  const read = (path: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && '$commit' in value) {
      const c = (value as { $commit: unknown }).$commit
      if (typeof c === 'string') out.set(path, c)
    }
  }
  for (const field of PERSONAL_FIELDS) read(`/${field}`, committed[field])
  const metadata = committed.metadata
  if (metadata !== null && typeof metadata === 'object')
    for (const [key, value] of Object.entries(metadata)) read(pointer('metadata', key), value)
  return out
}

const SALT_POOL = 64 * SALT_SIZE
let pool = Buffer.alloc(0)
let offset = SALT_POOL

/** 32 fresh random bytes (drawn from a pooled buffer: one system call per 64 salts). */
export function newSalt(): Buffer {
  if (offset >= SALT_POOL) {
    pool = randomFillSync(Buffer.allocUnsafe(SALT_POOL))
    offset = 0
  }
  const salt = Buffer.from(pool.subarray(offset, offset + SALT_SIZE))
  offset += SALT_SIZE
  return salt
}
