import type { ProblemList } from './verify-report.js'

/**
 * Checks that entries come as seq 1, 2, 3, ... and names each departure: a gap is held open
 * until the end (the missing seq may still come, out of order), a seq that fills a gap after a
 * larger one is "out of order", one already seen is a duplicate.
 */
export class SeqChecker {
  /** The next seq expected in order. */
  private next = 1
  private previous = 0
  /** Gaps not yet filled, as inclusive ranges, ascending. */
  private readonly gaps: [number, number][] = []

  constructor(private readonly problems: ProblemList) {}

  /** The highest seq seen. */
  get highest(): number {
    return this.next - 1
  }

  /** Whether no gap is open: every seq from 1 to `highest` was seen. */
  get complete(): boolean {
    return this.gaps.length === 0
  }

  see(seq: number): void {
    const previous = this.previous
    this.previous = seq
    if (seq === this.next) {
      this.next++
      return
    }
    if (seq > this.next) {
      this.gaps.push([this.next, seq - 1])
      this.next = seq + 1
      return
    }
    if (this.fill(seq)) {
      if (previous > seq)
        this.problems.add('events_out_of_order', `events ${seq} and ${previous} out of order`, {
          seq,
        })
      return
    }
    this.problems.add('event_duplicate', `event ${seq} appears more than once`, { seq })
  }

  /** Reports the gaps still open. */
  finish(): void {
    for (const [a, b] of this.gaps)
      this.problems.add(
        'event_missing',
        a === b ? `event ${a} missing` : `events ${a} to ${b} missing (${b - a + 1} events)`,
        { seq: a },
      )
  }

  /** Removes `seq` from the open gaps; false when it was in none. */
  private fill(seq: number): boolean {
    const i = this.gaps.findIndex(([a, b]) => seq >= a && seq <= b)
    if (i < 0) return false
    const [a, b] = this.gaps[i] as [number, number]
    const rest: [number, number][] = []
    if (a < seq) rest.push([a, seq - 1])
    if (seq < b) rest.push([seq + 1, b])
    this.gaps.splice(i, 1, ...rest)
    return true
  }
}
