import { committedEvent } from './leaf-commit.js'
import { leafBytes, parseLeaf } from './leaf.js'
import { leafHash } from './merkle.js'
import { committedFields, describeEdit } from './verify-fields.js'
import type { ProblemList, VerifyErasure } from './verify-report.js'
import { SeqChecker } from './verify-seqs.js'
import { TombstoneLedger } from './verify-tombstones.js'
import type { TreeRecord } from './verify-tree.js'

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const B64 = /^[A-Za-z0-9+/]*={0,2}$/

/** A base64 text's bytes, or undefined when it is not base64 of `length` bytes. */
function bytes(text: unknown, length: number): Buffer | undefined {
  if (typeof text !== 'string' || !B64.test(text)) return undefined
  const buf = Buffer.from(text, 'base64')
  return buf.length === length ? buf : undefined
}

/**
 * Checks the entry lines of an export in file order: seq continuity, each live event against its
 * leaf hash (recomputed from the event and its salt), each erased leaf against its hash and its
 * tombstone; appends each listed leaf hash to the tree, so the checkpoints judge the order too.
 */
export class EntryChecker {
  readonly seqs: SeqChecker
  readonly tombstones: TombstoneLedger
  entries = 0
  erased = 0

  constructor(
    private readonly problems: ProblemList,
    private readonly tree: TreeRecord,
    private readonly orgId: string | null,
  ) {
    this.seqs = new SeqChecker(problems)
    this.tombstones = new TombstoneLedger(problems)
  }

  /** One `{"type":"entry"}` line, parsed. */
  check(line: Json): void {
    const seq = line.seq
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
      this.problems.add('bad_line', `entry line ${this.entries + 1} has no seq from 1 up`)
      return
    }
    this.entries++
    this.seqs.see(seq)
    const listed = bytes(line.leaf_hash, 32)
    if (listed === undefined)
      this.problems.add('event_edited', `event ${seq}: leaf_hash is not a base64 SHA-256`, { seq })
    const erased = !('event' in line) && typeof line.leaf === 'string'
    const computed = erased ? leafHash(line.leaf as string) : undefined
    if ('event' in line) this.live(seq, line, listed)
    else if (erased) this.erasedEntry(seq, line, listed, computed)
    else
      this.problems.add('bad_line', `event ${seq}: an entry needs event and salt, or leaf`, { seq })
    // The tree takes the listed hash: the checkpoints then judge what the export claims.
    this.tree.append(listed ?? computed ?? Buffer.alloc(32))
  }

  finish(): VerifyErasure[] {
    this.seqs.finish()
    return this.tombstones.finish()
  }

  private live(seq: number, line: Json, listed: Buffer | undefined): void {
    const event = line.event
    const salt = bytes(line.salt, 32)
    if (!isObject(event) || salt === undefined) {
      this.problems.add('event_edited', `event ${seq}: the event or its 32-byte salt is missing`, {
        seq,
      })
      return
    }
    let leaf: string
    try {
      leaf = leafBytes(event, salt)
    } catch {
      this.problems.add('event_edited', `event ${seq}: the event holds values JSON cannot sign`, {
        seq,
      })
      return
    }
    const where =
      event.seq === seq ? `event ${seq}` : `event ${seq} (its event says seq ${String(event.seq)})`
    if (this.orgId !== null && event.org_id !== this.orgId)
      this.problems.add('event_edited', `${where}: it belongs to another org`, { seq })
    const hash = leafHash(leaf)
    const matches = listed !== undefined && hash.equals(listed)
    if (!matches) {
      this.problems.add('event_edited', `${where}: ${this.whatChanged(line, event, salt, leaf)}`, {
        seq,
      })
    } else if (event.seq !== seq) {
      this.problems.add('event_edited', `${where}: entry and event disagree on seq`, { seq })
    }
    // Only a tombstone whose own leaf verifies may authorise an erasure.
    this.tombstones.live(seq, event, matches && event.seq === seq)
  }

  /** Names the edit when the line carries the signed leaf text, else says the content changed. */
  private whatChanged(line: Json, event: Json, salt: Buffer, leaf: string): string {
    if (typeof line.leaf === 'string') {
      if (line.leaf === leaf) return 'its leaf_hash was edited'
      try {
        const signed = (JSON.parse(line.leaf) as { event?: unknown }).event
        if (isObject(signed)) return describeEdit(committedEvent(event, salt), signed)
      } catch {
        // an unreadable leaf text: fall through to the general answer
      }
    }
    return 'its content does not match its leaf hash (a field, its salt or the leaf hash was edited)'
  }

  private erasedEntry(seq: number, line: Json, listed: Buffer | undefined, computed?: Buffer) {
    this.erased++
    const text = line.leaf as string
    if (listed !== undefined && computed !== undefined && !computed.equals(listed)) {
      this.problems.add(
        'erased_leaf_invalid',
        `erased event ${seq}: its leaf text does not match its leaf hash`,
        { seq },
      )
      return
    }
    let event: Json | undefined
    try {
      event = parseLeaf(text).event
    } catch {
      event = undefined
    }
    if (event?.seq !== seq || (this.orgId !== null && event.org_id !== this.orgId)) {
      this.problems.add(
        'erased_leaf_invalid',
        `erased event ${seq}: its leaf is not a canonical version 1 leaf of event ${seq} in this org`,
        { seq },
      )
      return
    }
    this.tombstones.erased(seq, line.erased_by, committedFields(event), event.kind === 'audit')
  }
}
