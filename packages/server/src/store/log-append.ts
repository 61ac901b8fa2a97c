import {
  Frontier,
  finishLeaf,
  jcs,
  leafBytes,
  leafHash,
  newSalt,
  normalizeEvent,
  prepareLeaf,
} from '@agenttrail/protocol'
import type { NewEvent } from '@agenttrail/protocol'
import type { EventRow } from './event-row.js'
import { leafSourceOf, rowToEvent } from './event-row.js'
import { isStoredLevel } from './log-range.js'
import type { LeafInput } from './log-store.js'
import type { AppendItem } from './store.js'

/** The expensive part of an event's leaf, computed on the caller's thread before the transaction. */
export function prepareEventLeaf(orgId: string, event: NewEvent): LeafInput {
  const salt = newSalt()
  return { prepared: prepareLeaf(leafSourceOf(orgId, event), salt), salt: salt.toString('base64') }
}

/** `items`, each with its prepared leaf (an item that has one keeps it). */
export function withLeaves(items: readonly AppendItem[]): AppendItem[] {
  return items.map((item) =>
    item.leaf ? item : { ...item, leaf: prepareEventLeaf(item.orgId, item.event) },
  )
}

/**
 * The leaf of a seq whose event was deleted before the org's log existed (the backfill finds no row
 * for it): a version 1 leaf of that seq in that org with nothing else in it, so leaf index = seq - 1
 * holds for every later event. A tombstone (`gapTombstones`) appended with it says why.
 */
export function gapLeaf(orgId: string, seq: number): string {
  return jcs({ event: { org_id: orgId, seq }, v: 1 })
}

/** Most ranges one tombstone lists (docs/integrity.md). */
const MAX_TOMBSTONE_RANGES = 5_000

/**
 * The tombstones (`audit` events, action `log.erasure`) that account for gap leaves: the seqs, as
 * inclusive ascending ranges, were erased before the log existed, by nobody the log can name.
 */
export function gapTombstones(gaps: readonly number[], now: number): NewEvent[] {
  const ranges: [number, number][] = []
  for (const seq of [...gaps].sort((a, b) => a - b)) {
    const last = ranges.at(-1)
    if (last && last[1] === seq - 1) last[1] = seq
    else ranges.push([seq, seq])
  }
  const out: NewEvent[] = []
  for (let i = 0; i < ranges.length; i += MAX_TOMBSTONE_RANGES) {
    const erased = ranges.slice(i, i + MAX_TOMBSTONE_RANGES)
    const result = normalizeEvent(
      {
        kind: 'audit',
        status: 'success',
        action: 'log.erasure',
        user: 'system',
        title: 'Events deleted before the integrity log existed',
        metadata: {
          erased,
          count: erased.reduce((n, [a, b]) => n + b - a + 1, 0),
          reason: 'deleted before the integrity log existed',
          selector: { by: 'range' },
          request_ref: null,
        },
      },
      { now },
    )
    if (!result.ok) throw new Error('the log.erasure audit event is not valid')
    out.push(result.event)
  }
  return out
}

/** A leaf row to insert. */
export interface LeafRow {
  seq: number
  leaf: string
  hash: Buffer
}

/** The salt a stored event's row takes when the backfill gives it a leaf. */
export interface SaltRow {
  seq: number
  salt: Buffer
}

/** An interior node to insert (only the levels the log keeps, see log-range.ts). */
export interface NodeRow {
  level: number
  idx: number
  hash: Buffer
}

/**
 * One org's log inside an append transaction: its right edge read from the org's row, and the rows
 * the transaction adds (leaves, kept nodes, the salts of stored events the backfill reached) and
 * the head it leaves, for the dialect to write. A new event's salt goes in with its own row (the
 * caller's insert). Leaves must come in seq order, each the next one: anything else throws, and
 * the transaction with it.
 */
export class OrgLog {
  readonly leaves: LeafRow[] = []
  readonly nodes: NodeRow[] = []
  /** Stored events given a leaf here (`appendRow`): their rows take these salts. */
  readonly salts: SaltRow[] = []
  /** Seqs given a gap leaf here: their events were gone before the log reached them. */
  readonly gaps: number[] = []
  private readonly frontier: Frontier

  constructor(size: number, frontier: Uint8Array | null) {
    this.frontier = new Frontier(size, splitHashes(frontier))
  }

  /** Leaves in the tree, including those added here. */
  get size(): number {
    return this.frontier.size
  }

  /** Appends the gap leaf of `seq` (`gapLeaf`). */
  appendGap(orgId: string, seq: number): void {
    this.append(seq, gapLeaf(orgId, seq))
    this.gaps.push(seq)
  }

  /** Appends leaf `seq`. */
  append(seq: number, leaf: string): void {
    if (seq !== this.frontier.size + 1)
      throw new Error(`the log is at ${this.frontier.size} leaves; seq ${seq} cannot be appended`)
    const hash = leafHash(leaf)
    for (const node of this.frontier.append(hash))
      if (isStoredLevel(node.level))
        this.nodes.push({ level: node.level, idx: node.index, hash: node.hash })
    this.leaves.push({ seq, leaf, hash })
  }

  /**
   * Appends the leaf of a new event from what was prepared before the transaction (`input.salt`
   * goes in with the event's row: the caller's insert).
   */
  appendPrepared(seq: number, input: LeafInput, receivedIso: string, event: NewEvent): void {
    // The API's `control` is the stored JSON read back: the same value as JSON has it.
    const control =
      event.control === null ? null : (JSON.parse(JSON.stringify(event.control)) as unknown)
    this.append(seq, finishLeaf(input.prepared, seq, receivedIso, control))
  }

  /** Appends the leaf of a stored event (the backfill), with a new salt for its row (`salts`). */
  appendRow(row: EventRow): void {
    const seq = Number(row.seq)
    const salt = newSalt()
    this.append(seq, leafBytes(rowToEvent(row), salt))
    this.salts.push({ seq, salt })
  }

  /** The right edge to store in the org's row: the perfect-subtree roots, 32 bytes each, left to right. */
  frontierBytes(): Buffer {
    return Buffer.concat(this.frontier.hashes())
  }

  root(): Buffer {
    return this.frontier.root()
  }
}

/** `orgs.log_frontier` back into its 32-byte hashes. */
export function splitHashes(bytes: Uint8Array | null): Buffer[] {
  if (bytes === null) return []
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Buffer[] = []
  for (let i = 0; i < buf.length; i += 32) out.push(buf.subarray(i, i + 32))
  return out
}

/** The salt of a prepared leaf as the bytes its event's row stores. */
export function saltBytes(input: LeafInput): Buffer {
  return Buffer.from(input.salt, 'base64')
}
