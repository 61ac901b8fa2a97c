import { Frontier, nodeHash } from './merkle.js'

/** 32-byte hashes in one growing buffer per tree level: no object per hash. */
class HashColumn {
  private buf = Buffer.alloc(32 * 1024)
  length = 0

  set(index: number, hash: Uint8Array): void {
    while ((index + 1) * 32 > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2)
      this.buf.copy(bigger, 0, 0, this.length * 32)
      this.buf = bigger
    }
    this.buf.set(hash, index * 32)
    if (index >= this.length) this.length = index + 1
  }

  get(index: number): Buffer {
    return this.buf.subarray(index * 32, index * 32 + 32)
  }
}

/**
 * The tree rebuilt from an export's leaf hashes, kept so that the root at any earlier size can be
 * read back: checkpoint lines come after the entries, and a checkpoint of size n must be compared
 * with the tree of the first n leaves. Keeps every leaf hash and every completed perfect-subtree
 * root (about 64 bytes per leaf: 64 MB for 1,000,000 events), never the events themselves.
 */
export class TreeRecord {
  private readonly frontier = new Frontier()
  private readonly levels: HashColumn[] = [new HashColumn()]

  get size(): number {
    return this.frontier.size
  }

  append(leaf: Uint8Array): void {
    const index = this.frontier.size
    this.column(0).set(index, leaf)
    for (const node of this.frontier.append(leaf))
      this.column(node.level).set(node.index, node.hash)
  }

  /** MTH of the first `size` leaves (RFC 6962 §2.1); undefined beyond the tree. */
  rootAt(size: number): Buffer | undefined {
    if (size > this.size) return undefined
    return size === this.size ? this.frontier.root() : this.rangeHash(0, size)
  }

  /**
   * MTH of leaves [lo, hi) (RFC 6962 §2.1): a perfect, aligned range is a stored node; any other
   * splits at the largest power of two below its width. A `RangeHash` for proofs over this tree.
   */
  rangeHash(lo: number, hi: number): Buffer {
    const width = hi - lo
    if (width <= 0 || hi > this.size)
      throw new RangeError(`no range [${lo}, ${hi}) in a tree of ${this.size}`)
    if ((width & (width - 1)) === 0 && width <= 2 ** 30 && lo % width === 0)
      return Buffer.from(this.column(Math.log2(width)).get(lo / width))
    let k = 1
    while (k * 2 < width) k *= 2
    return nodeHash(this.rangeHash(lo, lo + k), this.rangeHash(lo + k, hi))
  }

  private column(level: number): HashColumn {
    while (this.levels.length <= level) this.levels.push(new HashColumn())
    return this.levels[level] as HashColumn
  }
}
