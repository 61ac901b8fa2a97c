import type { ProblemList, VerifyErasure } from './verify-report.js'

type Json = Record<string, unknown>
type Range = [number, number]

/** The inclusive ranges of a tombstone's `metadata.erased`, ascending; undefined when malformed. */
function erasedRanges(metadata: unknown): Range[] | undefined {
  const erased = (metadata as Json | null)?.erased
  if (!Array.isArray(erased)) return undefined
  const out: Range[] = []
  for (const r of erased) {
    if (!Array.isArray(r) || r.length !== 2) return undefined
    const [a, b] = r as unknown[]
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || (a as number) > (b as number))
      return undefined
    out.push([a as number, b as number])
  }
  return out.sort((x, y) => x[0] - y[0])
}

function covers(ranges: Range[], seq: number): boolean {
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [a, b] = ranges[mid] as Range
    if (seq < a) hi = mid - 1
    else if (seq > b) lo = mid + 1
    else return true
  }
  return false
}

/**
 * Matches erased entries with the tombstones they name. A tombstone is a later live audit event
 * with action `log.erasure` whose `metadata.erased` ranges hold the erased seq; it comes after
 * the events it erased, so those wait here until it is read.
 */
export class TombstoneLedger {
  private readonly waiting = new Map<number, { seq: number; fields: string[] }[]>()
  private readonly summary = new Map<number, { events: number; fields: Set<string> }>()

  constructor(private readonly problems: ProblemList) {}

  /** A live event; `verified` when its leaf matched, so its metadata can be believed. */
  live(seq: number, event: Json, verified: boolean): void {
    const waiting = this.waiting.get(seq)
    if (waiting === undefined) return
    this.waiting.delete(seq)
    const tombstone = event.kind === 'audit' && event.action === 'log.erasure'
    const ranges = tombstone && verified ? erasedRanges(event.metadata) : undefined
    for (const entry of waiting) {
      if (!tombstone)
        this.problems.add(
          'erased_without_tombstone',
          `erased event ${entry.seq}: event ${seq}, named as its tombstone, is not a log.erasure audit event`,
          { seq: entry.seq },
        )
      else if (!verified || ranges === undefined)
        this.problems.add(
          'erased_without_tombstone',
          `erased event ${entry.seq}: its tombstone ${seq} does not verify or has no erased ranges`,
          { seq: entry.seq },
        )
      else if (!covers(ranges, entry.seq))
        this.problems.add(
          'tombstone_not_covering',
          `erased event ${entry.seq}: tombstone ${seq} does not cover it`,
          { seq: entry.seq },
        )
      else {
        const s = this.summary.get(seq) ?? { events: 0, fields: new Set<string>() }
        s.events++
        for (const f of entry.fields) s.fields.add(f)
        this.summary.set(seq, s)
      }
    }
  }

  /** An erased entry naming its tombstone by seq (`erased_by`). */
  erased(seq: number, erasedBy: unknown, fields: string[], audit: boolean): void {
    if (audit) {
      this.problems.add(
        'erased_without_tombstone',
        `erased event ${seq}: it is an audit event, and audit events cannot be erased`,
        { seq },
      )
    } else if (typeof erasedBy !== 'number' || !Number.isSafeInteger(erasedBy)) {
      this.problems.add('erased_without_tombstone', `event ${seq} erased without a tombstone`, {
        seq,
      })
    } else if (erasedBy <= seq) {
      this.problems.add(
        'tombstone_not_covering',
        `erased event ${seq}: tombstone ${erasedBy} comes before it, so it cannot have erased it`,
        { seq },
      )
    } else {
      const list = this.waiting.get(erasedBy) ?? []
      list.push({ seq, fields })
      this.waiting.set(erasedBy, list)
    }
  }

  /** Reports erasures whose tombstone never came; returns the lawful erasures. */
  finish(): VerifyErasure[] {
    for (const [tombstone, entries] of this.waiting)
      for (const entry of entries)
        this.problems.add(
          'erased_without_tombstone',
          `event ${entry.seq} erased without a tombstone: tombstone ${tombstone} is not in the export`,
          { seq: entry.seq },
        )
    this.waiting.clear()
    return [...this.summary]
      .sort(([a], [b]) => a - b)
      .map(([tombstone_seq, s]) => ({
        tombstone_seq,
        events: s.events,
        fields: [...s.fields].sort(),
      }))
  }
}
