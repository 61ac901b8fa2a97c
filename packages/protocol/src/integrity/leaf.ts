import { hash, randomFillSync } from 'node:crypto'
import { jcs, JcsError } from './jcs.js'

/**
 * The leaf of an event in its org's log, and the salted commitments that keep personal data out of
 * it (see docs/integrity.md).
 *
 * leaf = JCS({ "event": C, "v": 1 }), where C is the event exactly as the API returns it (it holds
 * its `org_id`, `id`, `seq`, `received_at` and `control`), except that each personal field that is
 * not null, and each value of `metadata`, is replaced by `{ "$commit": base64(c) }` with
 * c = SHA-256(COMMIT_DOMAIN ‖ salt ‖ UTF-8(path) ‖ 0x00 ‖ UTF-8(JCS(value))), `path` the field's
 * RFC 6901 pointer and `salt` 32 random bytes of the event's own, stored apart from the leaf. Erasing
 * the event deletes the salt and the values; the leaf, and every root over it, stay as they were.
 */
export const LEAF_VERSION = 1
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

/** Fields the append transaction sets, filled in by `finishLeaf`. */
const TRANSACTION_FIELDS: ReadonlySet<string> = new Set(['control', 'received_at', 'seq'])

const DOMAIN = Buffer.from(COMMIT_DOMAIN, 'utf8')

/** COMMIT_DOMAIN ‖ salt: what every commitment of one event starts with. */
function commitPrefix(salt: Uint8Array): Buffer {
  if (salt.length !== SALT_SIZE) throw new RangeError('a commitment salt is 32 bytes')
  return Buffer.concat([DOMAIN, salt])
}

// One-shot hashing: for inputs this small, `crypto.hash` costs about half of `createHash`.
const commitWith = (prefix: Buffer, path: string, value: unknown): string =>
  hash(
    'sha256',
    Buffer.concat([prefix, Buffer.from(`${path}\u0000${jcs(value)}`, 'utf8')]),
    'base64',
  )

/** An RFC 6901 JSON pointer to a member. */
export function pointer(...names: readonly string[]): string {
  return names.map((n) => `/${n.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')
}

/** base64 of SHA-256(COMMIT_DOMAIN ‖ salt ‖ path ‖ 0x00 ‖ JCS(value)). */
export function fieldCommitment(salt: Uint8Array, path: string, value: unknown): string {
  return commitWith(commitPrefix(salt), path, value)
}

type EventLike = Readonly<Record<string, unknown>>

/** The event with its personal fields and metadata values replaced by their commitments. */
export function committedEvent(event: EventLike, salt: Uint8Array): Record<string, unknown> {
  const prefix = commitPrefix(salt)
  const out: Record<string, unknown> = { ...event }
  for (const field of PERSONAL_FIELDS) {
    const value = event[field]
    if (value !== null && value !== undefined)
      out[field] = { $commit: commitWith(prefix, `/${field}`, value) }
  }
  const metadata = event.metadata
  if (metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)) {
    // Without a prototype, a member named `__proto__` (JSON.parse makes one) stays a member.
    const committed = Object.create(null) as Record<string, unknown>
    for (const [key, value] of Object.entries(metadata))
      if (value !== undefined)
        committed[key] = { $commit: commitWith(prefix, pointer('metadata', key), value) }
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

/**
 * The leaf, less what the append transaction decides: everything but `control`, `received_at` and
 * `seq` already canonical. One string, the four pieces around those three fields (in that order,
 * which is their sorted order) joined by U+0000, which canonical JSON text never holds raw: a
 * single string is the cheapest thing to send to the writer thread.
 */
export type PreparedLeaf = string

const CUT = '\u0000'

type Member = { key: string; name: string; role: 'personal' | 'metadata' | 'transaction' | 'clear' }

/** The members of an event's committed form in canonical order, by the event's key set. */
const plans = new Map<string, Member[]>()

function planOf(keys: readonly string[]): Member[] {
  const id = keys.join(CUT)
  let plan = plans.get(id)
  if (plan) return plan
  const all = new Set(keys)
  for (const field of TRANSACTION_FIELDS) all.add(field)
  plan = [...all].sort().map((key) => ({
    key,
    name: `${jcs(key)}:`,
    role: TRANSACTION_FIELDS.has(key)
      ? 'transaction'
      : PERSONAL_SET.has(key)
        ? 'personal'
        : key === 'metadata'
          ? 'metadata'
          : 'clear',
  }))
  if (plans.size >= 64) plans.clear()
  plans.set(id, plan)
  return plan
}

const PERSONAL_SET: ReadonlySet<string> = new Set(PERSONAL_FIELDS)

const commitText = (prefix: Buffer, path: string, value: unknown): string =>
  `{"$commit":"${commitWith(prefix, path, value)}"}`

/**
 * Commits and canonicalizes an event before its transaction (its seq, time and control note are
 * ignored). Writes the committed form's text directly: the same bytes as `jcs(committedEvent(...))`.
 */
export function prepareLeaf(event: EventLike, salt: Uint8Array): PreparedLeaf {
  const prefix = commitPrefix(salt)
  let out = '{"event":{'
  let first = true
  for (const { key, name, role } of planOf(Object.keys(event))) {
    if (role === 'transaction') {
      out += `${first ? '' : ','}${name}${CUT}`
      first = false
      continue
    }
    const value = event[key]
    if (value === undefined) continue
    out += `${first ? '' : ','}${name}`
    first = false
    if (role === 'clear' || value === null) out += jcs(value)
    else if (role === 'personal') out += commitText(prefix, `/${key}`, value)
    else if (typeof value !== 'object' || Array.isArray(value)) out += jcs(value)
    else {
      let members = ''
      for (const k of Object.keys(value).sort()) {
        const v = (value as Record<string, unknown>)[k]
        if (v === undefined) continue
        members += `${members === '' ? '' : ','}${jcs(k)}:${commitText(prefix, pointer('metadata', k), v)}`
      }
      out += `{${members}}`
    }
  }
  return `${out}},"v":${LEAF_VERSION}}`
}

/** The leaf text: the prepared pieces with the event's seq, receipt time and control note. */
export function finishLeaf(
  prepared: PreparedLeaf,
  seq: number,
  receivedAt: string,
  control: unknown,
): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`bad seq ${seq}`)
  const a = prepared.indexOf(CUT)
  const b = prepared.indexOf(CUT, a + 1)
  const c = prepared.indexOf(CUT, b + 1)
  if (a < 0 || b < 0 || c < 0) throw new RangeError('not a prepared leaf')
  return (
    prepared.slice(0, a) +
    jcs(control ?? null) +
    prepared.slice(a + 1, b) +
    jcs(receivedAt) +
    prepared.slice(b + 1, c) +
    String(seq) +
    prepared.slice(c + 1)
  )
}

/** The leaf of an event as the API returns it (what a verifier recomputes from an export). */
export function leafBytes(event: EventLike, salt: Uint8Array): string {
  const { seq, received_at: receivedAt } = event
  if (typeof seq !== 'number' || typeof receivedAt !== 'string')
    throw new JcsError('an event needs its seq and received_at to make a leaf')
  return finishLeaf(prepareLeaf(event, salt), seq, receivedAt, event.control ?? null)
}

export class LeafError extends Error {
  override name = 'LeafError'
}

/** Reads a leaf text back: it must be canonical, of this version, and hold an event with a seq. */
export function parseLeaf(text: string): {
  event: Record<string, unknown>
  commitments: Map<string, string>
} {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new LeafError('the leaf is not JSON')
  }
  if (jcs(parsed) !== text) throw new LeafError('the leaf is not in canonical (RFC 8785) form')
  const { event, v } = parsed as { event?: unknown; v?: unknown }
  if (v !== LEAF_VERSION) throw new LeafError(`leaf version ${String(v)} is not ${LEAF_VERSION}`)
  if (event === null || typeof event !== 'object' || Array.isArray(event))
    throw new LeafError('the leaf holds no event')
  const e = event as Record<string, unknown>
  if (!Number.isSafeInteger(e.seq)) throw new LeafError('the leaf event has no seq')
  return { event: e, commitments: commitmentsOf(e) }
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
