import { EMPTY_ROOT, largestPowerOfTwoBelow, nodeHash } from '@agenttrail/protocol'

/**
 * Which interior nodes the log keeps: every 4th level (4, 8, 12, ...). A perfect subtree at a level
 * in between is recomputed from at most 8 stored nodes (or leaf hashes) of the kept level below:
 * about 1/15 row per leaf instead of 1, for at most 7 extra hashes per subtree a proof reads.
 */
export const NODE_LEVEL_STRIDE = 4

/** True when the log stores the interior nodes of `level` (>= 1). */
export function isStoredLevel(level: number): boolean {
  return level % NODE_LEVEL_STRIDE === 0
}

/** Where a range hash reads its hashes: a leaf hash by index, a stored node by (level, idx). */
export interface HashSource<T> {
  leaf(index: number): T
  node(level: number, idx: number): T
  combine(left: T, right: T): T
  empty(): T
}

/**
 * MTH(D[lo:hi]) (RFC 6962 §2.1) over `source`. A perfect, aligned range is a subtree: its stored node
 * when its level is kept, else the hash of its two halves; any other range splits at the largest
 * power of two below its size, as the RFC defines it.
 */
export function rangeHashOver<T>(lo: number, hi: number, source: HashSource<T>): T {
  const n = hi - lo
  if (n === 0) return source.empty()
  if (n === 1) return source.leaf(lo)
  if ((n & (n - 1)) === 0 && lo % n === 0) return subtree(Math.log2(n), lo / n, source)
  const k = largestPowerOfTwoBelow(n)
  return source.combine(rangeHashOver(lo, lo + k, source), rangeHashOver(lo + k, hi, source))
}

/** The root of the perfect subtree at (`level`, `idx`). */
function subtree<T>(level: number, idx: number, source: HashSource<T>): T {
  if (level === 0) return source.leaf(idx)
  if (isStoredLevel(level)) return source.node(level, idx)
  return source.combine(
    subtree(level - 1, 2 * idx, source),
    subtree(level - 1, 2 * idx + 1, source),
  )
}

/** The leaf indices and stored nodes MTH(D[lo:hi]) reads, so a dialect can fetch them at once. */
export function rangeNeeds(
  lo: number,
  hi: number,
): { leaves: number[]; nodes: [number, number][] } {
  const leaves: number[] = []
  const nodes: [number, number][] = []
  rangeHashOver<null>(lo, hi, {
    leaf: (i) => {
      leaves.push(i)
      return null
    },
    node: (level, idx) => {
      nodes.push([level, idx])
      return null
    },
    combine: () => null,
    empty: () => null,
  })
  return { leaves, nodes }
}

/** MTH(D[lo:hi]) from hashes already fetched (`rangeNeeds`), keyed `i` and `level:idx`. */
export function rangeHashFrom(
  lo: number,
  hi: number,
  leaves: ReadonlyMap<number, Buffer>,
  nodes: ReadonlyMap<string, Buffer>,
): Buffer {
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`the log has no ${what}: it is not the trail's tree`)
    return v
  }
  return rangeHashOver<Buffer>(lo, hi, {
    leaf: (i) => need(leaves.get(i), `leaf ${i}`),
    node: (level, idx) => need(nodes.get(`${level}:${idx}`), `node ${level}/${idx}`),
    combine: nodeHash,
    empty: () => EMPTY_ROOT,
  })
}

/** Throws a RangeError unless 0 <= lo <= hi <= size, whole numbers. */
export function checkRange(lo: number, hi: number, size: number): void {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || lo > hi || hi > size)
    throw new RangeError(`range [${lo}, ${hi}) is not within the log's ${size} leaves`)
}
