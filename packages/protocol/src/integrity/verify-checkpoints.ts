import { parseCheckpoint } from './checkpoint.js'
import { EMPTY_ROOT, verifyConsistency } from './merkle.js'
import { openNote } from './note.js'
import { keyValidAt } from './verify-keys.js'
import type { TrustedKey } from './verify-keys.js'
import type { ProblemList } from './verify-report.js'
import type { TreeRecord } from './verify-tree.js'

type Json = Record<string, unknown>

/** A checkpoint whose signature verified: what it says, and when it was signed (unix s). */
export interface SignedCheckpoint {
  size: number
  root: Buffer
  time: number | null
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString()

/**
 * Opens a checkpoint note with the trusted keys: the first signature of a trusted key must verify
 * and its timestamped cosignature gives the time. Reports what fails (at `where`) and returns the
 * checkpoint only when a trusted signature verified.
 */
export function openCheckpoint(
  note: string,
  keys: readonly TrustedKey[],
  origin: string | null,
  problems: ProblemList,
  where: string,
  at: { tree_size?: number },
): SignedCheckpoint | undefined {
  let opened: ReturnType<typeof openNote>
  let body: ReturnType<typeof parseCheckpoint>
  try {
    opened = openNote(note, keys)
    body = parseCheckpoint(opened.body)
  } catch {
    problems.add('bad_checkpoint', `${where}: the note is not a signed checkpoint`, at)
    return undefined
  }
  const sigs = opened.signatures.filter((s) => s.type === 1)
  const good = sigs.find((s) => s.valid === true)
  if (good === undefined) {
    if (sigs.some((s) => s.valid === false))
      problems.add(
        'signature_invalid',
        `${where}: its signature does not verify: the checkpoint was edited or forged`,
        at,
      )
    else {
      // One name per key: its first line is the signature (a cosignature's id differs).
      const unknown = new Map<string, string>()
      for (const s of opened.signatures)
        if (s.valid === null && !unknown.has(s.name)) unknown.set(s.name, s.keyId.toString('hex'))
      const names = [...unknown].map(([name, id]) => `${name}+${id}`).join(', ')
      problems.add('unknown_key', `${where}: signed by an unknown key (${names || 'none'})`, at)
    }
    return undefined
  }
  if (origin !== null && body.origin !== origin) {
    problems.add(
      'checkpoint_replayed',
      `${where}: a checkpoint of another log (origin ${body.origin}) replayed into this export`,
      at,
    )
    return undefined
  }
  const cosig = opened.signatures.find(
    (s) => s.type === 4 && s.valid === true && s.name === good.name,
  )
  const time = cosig?.time ?? null
  if (time === null)
    problems.add(
      'checkpoint_without_time',
      `${where}: no timestamped cosignature gives its time (every checkpoint this log signs has one), so its key's validity window cannot be checked`,
      at,
    )
  else {
    const key = keys.find((k) => k.keyId.equals(good.keyId) && k.name === good.name)
    if (key !== undefined && !keyValidAt(key, time))
      problems.add(
        'key_not_valid',
        `${where}: signed at ${iso(time)} by key ${good.name}+${good.keyId.toString('hex')}, outside its validity window`,
        at,
      )
  }
  return { size: body.size, root: body.root, time }
}

/**
 * Checks the checkpoint lines in file order against the rebuilt tree: signature, origin, the root
 * at its size, the RFC 6962 consistency proof from the previous line, replays; keeps (time, size)
 * of each for the checks in time order at the end.
 */
export class CheckpointChecker {
  lines = 0
  /** The largest size whose checkpoint verified and matched the tree. */
  verifiedSize = 0
  readonly signed: SignedCheckpoint[] = []
  private previous: { size: number; root: Buffer } | null = { size: 0, root: EMPTY_ROOT }
  private lastGoodRootSize = 0
  private readonly seen = new Map<string, number>()

  constructor(
    private readonly problems: ProblemList,
    private readonly tree: TreeRecord,
    private readonly keys: () => readonly TrustedKey[],
    private readonly origin: string | null,
    /** Whether every seq up to the highest was seen: otherwise a short tree is a gap, not a cut. */
    private readonly complete: () => boolean,
  ) {}

  check(line: Json): void {
    this.lines++
    const size = line.tree_size
    const note = line.note
    const proof = line.consistency
    if (
      typeof size !== 'number' ||
      !Number.isSafeInteger(size) ||
      typeof note !== 'string' ||
      !Array.isArray(proof) ||
      !proof.every((h) => typeof h === 'string')
    ) {
      this.problems.add(
        'bad_checkpoint',
        `checkpoint line ${this.lines}: needs tree_size, note and consistency`,
      )
      this.previous = null
      return
    }
    const at = { tree_size: size }
    const where = `checkpoint at size ${size}`
    const earlier = this.seen.get(note)
    if (earlier !== undefined) {
      this.problems.add(
        'checkpoint_replayed',
        `${where}: the same note appears twice (checkpoint lines ${earlier} and ${this.lines})`,
        at,
      )
      return
    }
    this.seen.set(note, this.lines)
    const cp = openCheckpoint(note, this.keys(), this.origin, this.problems, where, at)
    if (cp === undefined) {
      this.previous = null
      return
    }
    if (cp.size !== size) {
      this.problems.add('bad_checkpoint', `${where}: the signed note says size ${cp.size}`, at)
      this.previous = null
      return
    }
    this.signed.push(cp)
    this.checkRoot(cp, where)
    const prev = this.previous
    if (prev !== null) {
      const hashes = proof.map((h: string) => Buffer.from(h, 'base64'))
      if (prev.size > size || !verifyConsistency(prev.size, size, prev.root, cp.root, hashes))
        this.problems.add(
          'consistency_invalid',
          `${where}: the consistency proof from size ${prev.size} does not verify: the log forked or was rewritten`,
          at,
        )
    }
    this.previous = { size, root: cp.root }
  }

  private checkRoot(cp: SignedCheckpoint, where: string): void {
    const at = { tree_size: cp.size }
    if (cp.size > this.tree.size) {
      if (this.complete())
        this.problems.add(
          'truncated_tail',
          `${where}, but the export holds ${this.tree.size} events: truncated tail (events ${this.tree.size + 1} to ${cp.size} are gone)`,
          at,
        )
      else
        this.problems.add(
          'root_mismatch',
          `${where}, but the export holds only ${this.tree.size} events: events are missing`,
          at,
        )
      return
    }
    const root = cp.size === 0 ? EMPTY_ROOT : this.tree.rootAt(cp.size)
    if (root !== undefined && root.equals(cp.root)) {
      if (cp.size > this.verifiedSize) this.verifiedSize = cp.size
      this.lastGoodRootSize = Math.max(this.lastGoodRootSize, cp.size)
      return
    }
    // The first failing checkpoint bounds the damage: after the last one that matched.
    const from = this.lastGoodRootSize + 1
    this.problems.add(
      'root_mismatch',
      from > cp.size
        ? `${where}: a signed root that the events do not rebuild, though another checkpoint of this size matched: the log forked`
        : `${where}: the events do not rebuild the signed tree: the damage lies in events ${from} to ${cp.size}`,
      at,
    )
  }
}
