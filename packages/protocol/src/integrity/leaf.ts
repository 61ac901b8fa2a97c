import { jcs, JcsError } from './jcs.js'
import { jcsFast, quote } from './jcs-fast.js'
import { commitDigest, commitmentsOf, PERSONAL_FIELDS, pointer, SALT_SIZE } from './leaf-commit.js'

/**
 * The leaf of an event in its org's log (see docs/integrity.md): leaf = JCS({ "event": C, "v": 1 }),
 * where C is the event exactly as the API returns it (it holds its `org_id`, `id`, `seq`,
 * `received_at` and `control`), except that each personal field that is not null, and each value
 * of `metadata`, is replaced by its salted commitment (`committedEvent`, leaf-commit.ts).
 */
export const LEAF_VERSION = 1

type EventLike = Readonly<Record<string, unknown>>

/** Fields the append transaction sets, filled in by `finishLeaf`. */
const TRANSACTION_FIELDS: ReadonlySet<string> = new Set(['control', 'received_at', 'seq'])
const PERSONAL_SET: ReadonlySet<string> = new Set(PERSONAL_FIELDS)

/**
 * The leaf, less what the append transaction decides: everything but `control`, `received_at` and
 * `seq` already canonical. One string, the four pieces around those three fields (in that order,
 * which is their sorted order) joined by U+0000, which canonical JSON text never holds raw: a
 * single string is the cheapest thing to send to the writer thread.
 */
export type PreparedLeaf = string

const CUT = '\u0000'

interface Member {
  /** Where its value is in `Object.values(event)`. */
  index: number
  /** The member's JCS name and its colon. */
  name: string
  /** A comma and `name`: what a member after the first starts with. */
  after: string
  role: 'personal' | 'metadata' | 'transaction' | 'clear'
  /** A personal field's RFC 6901 pointer. */
  path: string
}

/**
 * The members of an event's committed form in canonical order, by the event's keys in their own
 * order: reading `Object.values(event)` by index costs far less than reading each member by name.
 */
const plans = new Map<string, Member[]>()
let lastKeys: readonly string[] = []
let lastPlan: Member[] = []

function planOf(keys: readonly string[]): Member[] {
  // Events from one source share their keys: compare with the last ones before joining them.
  if (sameKeys(keys, lastKeys)) return lastPlan
  const id = keys.join(CUT)
  let plan = plans.get(id)
  if (!plan) {
    const all = new Set(keys)
    for (const field of TRANSACTION_FIELDS) all.add(field)
    plan = [...all].sort().map((key) => ({
      index: keys.indexOf(key),
      name: `${jcs(key)}:`,
      after: `,${jcs(key)}:`,
      role: TRANSACTION_FIELDS.has(key)
        ? 'transaction'
        : PERSONAL_SET.has(key)
          ? 'personal'
          : key === 'metadata'
            ? 'metadata'
            : 'clear',
      path: `/${key}`,
    }))
    if (plans.size >= 64) plans.clear()
    plans.set(id, plan)
  }
  lastKeys = keys
  lastPlan = plan
  return plan
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Commits and canonicalizes an event before its transaction (its seq, time and control note are
 * ignored). Writes the committed form's text directly: the same bytes as `jcs(committedEvent(...))`,
 * with U+0000 where `finishLeaf` puts the three fields the transaction decides.
 */
export function prepareLeaf(event: EventLike, salt: Uint8Array): PreparedLeaf {
  if (salt.length !== SALT_SIZE) throw new RangeError('a commitment salt is 32 bytes')
  const plan = planOf(Object.keys(event))
  // The same members in the same order as Object.keys (own, enumerable, string-keyed).
  const values: readonly unknown[] = Object.values(event)
  let out = ''
  for (const { index, name, after, role, path } of plan) {
    let text: string
    if (role === 'transaction') text = CUT
    else {
      const value = values[index]
      if (value === undefined) continue
      if (value === null) text = 'null'
      else if (role === 'clear') text = jcsFast(value)
      else if (role === 'personal') text = commitText(salt, path, value)
      else if (typeof value !== 'object' || Array.isArray(value)) text = jcsFast(value)
      else text = metadataText(value as EventLike, salt)
    }
    out += out === '' ? name + text : after + text
  }
  return `{"event":{${out}},"v":${LEAF_VERSION}}`
}

const commitText = (salt: Uint8Array, path: string, value: unknown): string =>
  `{"$commit":"${commitDigest(salt, path, jcsFast(value))}"}`

/** The committed form of `metadata`: each value replaced by its commitment, members sorted. */
function metadataText(metadata: EventLike, salt: Uint8Array): string {
  let out = ''
  for (const key of Object.keys(metadata).sort()) {
    const value = metadata[key]
    if (value === undefined) continue
    const name = quote(key, 'a member name holds a lone surrogate')
    const member = `${name}:${commitText(salt, pointer('metadata', key), value)}`
    out += out === '' ? member : `,${member}`
  }
  return `{${out}}`
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
