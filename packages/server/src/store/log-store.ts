import type { PreparedLeaf } from '@agenttrail/protocol'

/**
 * The per-org Merkle log's reads (docs/integrity.md): an RFC 6962 tree whose leaf `seq - 1` is the
 * committed form of the org's event `seq`. The append transaction of each dialect writes it
 * (`log-append.ts`); these reads serve proofs, checkpoints and exports.
 */
export interface LogStore {
  /** Tree size and root of an org's log (size 0: `EMPTY_ROOT`, SHA-256 of nothing). */
  head(orgId: string): Promise<LogHead>
  /** Leaves with index in [start, end) (index = seq - 1), ascending, at most 1,000. */
  leaves(orgId: string, start: number, end: number): Promise<LogLeaf[]>
  /**
   * MTH of the leaf range [lo, hi) (RFC 6962 §2.1), from stored nodes and leaf hashes: the
   * `RangeHash` that inclusion and consistency proofs take. Rejects unless 0 <= lo <= hi <= the
   * tree's size (a StoreError caused by a RangeError: a server fault, so check requests against
   * `head` first). A range aligned as the tree's subtrees are (all that proofs
   * ask) reads O(log n) rows; any other range reads its leaves.
   */
  rangeHash(orgId: string, lo: number, hi: number): Promise<Buffer>
  /** Salts of live events with seq in [fromSeq, toSeq] (an erased event has none), by seq. */
  openings(orgId: string, fromSeq: number, toSeq: number): Promise<Map<number, Buffer>>
  /**
   * Orgs whose log grew in a transaction that started at or after `since` (Unix ms), with their
   * size now; `grownSince(0)` lists every org that has a log. The time is the append
   * transaction's start, so a poller should reach back over its longest transaction (a few
   * seconds) and compare sizes with what it last checkpointed.
   */
  grownSince(since: number): Promise<LogGrowth[]>
}

export interface LogHead {
  size: number
  root: Buffer
}

export interface LogLeaf {
  /** Leaf index: seq - 1. */
  index: number
  /** The leaf as committed: JCS text of `{"event": <committed event>, "v": 1}`. */
  leaf: string
  /** SHA-256(0x00 ‖ UTF-8(leaf)). */
  hash: Buffer
}

export interface LogGrowth {
  orgId: string
  size: number
  /** When the transaction that last grew the log started (Unix ms). */
  updatedAt: number
}

/** Most leaves one `leaves` call returns. */
export const MAX_LEAVES_PER_READ = 1_000

/**
 * An event's leaf as far as it is known before the append transaction: the field commitments and
 * the JCS text of everything but `seq`, `received_at` and `control` (`prepareLeaf`), and the salt.
 * Plain data, so it crosses to the SQLite writer thread by structured clone (log-append.ts).
 */
export interface LeafInput {
  prepared: PreparedLeaf
  /**
   * The 32 random bytes, base64: a typed array in a batch makes the structured clone to the writer
   * thread cost about 7 µs more per event than a string does (measured).
   */
  salt: string
}
