import { createHash, hash } from 'node:crypto'

/**
 * The RFC 6962 / RFC 9162 Merkle tree over SHA-256: a leaf hashes as SHA-256(0x00 ‖ data), an
 * interior node as SHA-256(0x01 ‖ left ‖ right), the empty tree as SHA-256(""). Trees are
 * left-balanced: a tree of n > 1 leaves splits at k, the largest power of two below n.
 * Sizes and indexes are JavaScript numbers; everything here stays exact up to 2^53.
 */

const LEAF_PREFIX = Buffer.from([0])
const NODE_PREFIX = Buffer.from([1])

export const HASH_SIZE = 32

export const EMPTY_ROOT: Buffer = createHash('sha256').digest()

// One-shot hashing (`crypto.hash`): for a leaf of about 1 KB, a fifth cheaper than `createHash`.
export function leafHash(leaf: Uint8Array | string): Buffer {
  return typeof leaf === 'string'
    ? hash('sha256', `\u0000${leaf}`, 'buffer')
    : hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'buffer')
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer')
}

/** The largest power of two strictly below `n` (n > 1). */
export function largestPowerOfTwoBelow(n: number): number {
  if (!(n > 1)) throw new RangeError(`no power of two below ${n} is a split point`)
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n
const half = (n: number): number => Math.floor(n / 2)
const odd = (n: number): boolean => n % 2 === 1

/** An interior node the append completed: the root of the perfect subtree `index` at `level`. */
export interface CompletedNode {
  level: number
  index: number
  hash: Buffer
}

/**
 * The right edge of a tree: the roots of the perfect subtrees its size decomposes into (one per set
 * bit). Appending a leaf costs one node hash on average, and the root is a fold of the edge.
 */
export class Frontier {
  #size: number
  /** By level: the root of the perfect subtree of 2^level leaves on the edge, if the size has it. */
  readonly #byLevel: (Buffer | undefined)[] = []

  /** From a stored head: its size and its edge hashes, left (largest subtree) to right. */
  constructor(size = 0, hashes: readonly Uint8Array[] = []) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad tree size ${size}`)
    const levels: number[] = []
    for (let level = 0, rest = size; rest > 0; level++, rest = half(rest))
      if (odd(rest)) levels.push(level)
    if (levels.length !== hashes.length)
      throw new RangeError(
        `a tree of ${size} leaves has ${levels.length} edge hashes, not ${hashes.length}`,
      )
    levels.reverse()
    levels.forEach((level, i) => {
      const hash = hashes[i] as Uint8Array
      if (hash.length !== HASH_SIZE) throw new RangeError('an edge hash is not 32 bytes')
      this.#byLevel[level] = Buffer.from(hash)
    })
    this.#size = size
  }

  get size(): number {
    return this.#size
  }

  /** The edge, left (largest subtree) to right: what a head stores. */
  hashes(): Buffer[] {
    const out: Buffer[] = []
    for (let level = this.#byLevel.length - 1; level >= 0; level--) {
      const hash = this.#byLevel[level]
      if (hash) out.push(hash)
    }
    return out
  }

  append(leaf: Uint8Array): CompletedNode[] {
    const completed: CompletedNode[] = []
    let hash: Buffer = Buffer.from(leaf)
    let level = 0
    let index = this.#size
    while (odd(index)) {
      hash = nodeHash(this.#byLevel[level] as Buffer, hash)
      this.#byLevel[level] = undefined
      level++
      index = half(index)
      completed.push({ level, index, hash })
    }
    this.#byLevel[level] = hash
    this.#size++
    return completed
  }

  root(): Buffer {
    let root: Buffer | undefined
    for (const hash of this.#byLevel) if (hash) root = root ? nodeHash(hash, root) : hash
    return root ?? EMPTY_ROOT
  }
}

/** The root of the tree of these leaf hashes (MTH). */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  const frontier = new Frontier()
  for (const leaf of leafHashes) frontier.append(leaf)
  return frontier.root()
}

/** MTH(D[lo:hi]) for a stored tree: how proofs read hashes. */
export type RangeHash = (lo: number, hi: number) => Buffer | Promise<Buffer>

function checkRange(index: number, size: number, what: string): void {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    throw new RangeError(`${what} ${index} is outside a tree of ${size} leaves`)
}

/** RFC 6962 §2.1.1 PATH(m, D[n]): the audit path of leaf `index` in the tree of `size` leaves. */
export async function inclusionPath(
  index: number,
  size: number,
  mth: RangeHash,
): Promise<Buffer[]> {
  checkRange(index, size, 'leaf')
  const path = async (m: number, lo: number, hi: number): Promise<Buffer[]> => {
    if (hi - lo <= 1) return []
    const k = largestPowerOfTwoBelow(hi - lo)
    return m < k
      ? [...(await path(m, lo, lo + k)), await mth(lo + k, hi)]
      : [...(await path(m - k, lo + k, hi)), await mth(lo, lo + k)]
  }
  return path(index, 0, size)
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]): that the tree of `first` leaves is a prefix of the tree of `second`. */
export async function consistencyProof(
  first: number,
  second: number,
  mth: RangeHash,
): Promise<Buffer[]> {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second)
    throw new RangeError(`no consistency proof from ${first} to ${second} leaves`)
  if (first === 0 || first === second) return []
  const sub = async (m: number, lo: number, hi: number, whole: boolean): Promise<Buffer[]> => {
    if (m === hi - lo) return whole ? [] : [await mth(lo, hi)]
    const k = largestPowerOfTwoBelow(hi - lo)
    return m <= k
      ? [...(await sub(m, lo, lo + k, whole)), await mth(lo + k, hi)]
      : [...(await sub(m - k, lo + k, hi, false)), await mth(lo, lo + k)]
  }
  return sub(first, 0, second, true)
}

const sameHash = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === HASH_SIZE && b.length === HASH_SIZE && Buffer.compare(a, b) === 0

const wellFormed = (proof: readonly Uint8Array[]): boolean =>
  proof.every((p) => p instanceof Uint8Array && p.length === HASH_SIZE)

/** RFC 9162 §2.1.3.2: verifies an inclusion proof, word for word. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return false
  if (!wellFormed(proof) || leaf.length !== HASH_SIZE) return false
  let fn = index
  let sn = size - 1
  let r: Buffer = Buffer.from(leaf)
  for (const p of proof) {
    if (sn === 0) return false
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r)
      if (!odd(fn))
        while (!odd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
    } else r = nodeHash(r, p)
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && sameHash(r, root)
}

/** RFC 9162 §2.1.4.2: verifies a consistency proof between two tree sizes, word for word. */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second)
    return false
  if (!wellFormed(proof)) return false
  if (first === second) return proof.length === 0 && sameHash(firstRoot, secondRoot)
  if (first === 0) return proof.length === 0
  if (proof.length === 0) return false
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof]
  let fn = first - 1
  let sn = second - 1
  while (odd(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  let fr: Buffer = Buffer.from(path[0] as Uint8Array)
  let sr: Buffer = fr
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      if (!odd(fn))
        while (!odd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
    } else sr = nodeHash(sr, c)
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && sameHash(fr, firstRoot) && sameHash(sr, secondRoot)
}
