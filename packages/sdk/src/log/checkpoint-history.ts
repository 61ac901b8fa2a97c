import { verifyConsistency } from './merkle-verify.js'
import { logCrypto } from './node-crypto.js'
import { NoteProblem, openCheckpoint } from './signed-note.js'
import type { OpenedCheckpoint } from './signed-note.js'
import { verifiers, view, windowProblem } from './log-verifier.js'
import type { TrustedKeys, VerifiedCheckpoint } from './log-verifier.js'
import type { CheckpointPage, CheckpointQuery, ConsistencyProof } from './log-types.js'

/** Where `verifyCheckpointHistory` reads: a `TrailReader`. */
export interface CheckpointSource {
  logCheckpoints(query: CheckpointQuery): Promise<CheckpointPage>
  consistencyProof(first: number, second: number): Promise<ConsistencyProof>
}

/** The outcome of walking the checkpoint history. */
export interface HistoryVerdict {
  verified: boolean
  /** Checkpoints whose signatures were checked. */
  checked: number
  /** Consistency proofs checked (between consecutive checkpoints of different sizes). */
  consistency_proofs: number
  /** The first problem found; null when none. */
  problem: { tree_size: number; created_at: string; reason: string } | null
  /** The last checkpoint checked. */
  last: VerifiedCheckpoint | null
  /** True when `limit` stopped the walk before the end of the history. */
  truncated: boolean
}

/**
 * Walks the checkpoint history oldest first: every checkpoint's signature (and that its listed
 * size and root are the signed ones), and between consecutive checkpoints either the same root
 * (a heartbeat of the same size) or an RFC 9162 §2.1.4.2 consistency proof; a smaller size than
 * one before is a rolled-back log. Stops at the first problem, or after `limit` checkpoints.
 */
export async function verifyCheckpointHistory(
  source: CheckpointSource,
  keys: TrustedKeys,
  options: { afterSize?: number; limit?: number } = {},
): Promise<HistoryVerdict> {
  const crypto = await logCrypto()
  const trusted = verifiers(crypto, keys)
  const limit = options.limit ?? 1000
  let checked = 0
  let proofs = 0
  let previous: OpenedCheckpoint | undefined
  let cursor: string | undefined
  const result = (problem: HistoryVerdict['problem'], truncated = false): HistoryVerdict => ({
    verified: problem === null,
    checked,
    consistency_proofs: proofs,
    problem,
    last: previous ? view(previous) : null,
    truncated,
  })
  for (;;) {
    const page = await source.logCheckpoints({
      afterSize: options.afterSize,
      limit: Math.min(1000, limit - checked + 1),
      cursor,
    })
    for (const listed of page.checkpoints) {
      if (checked === limit) return result(null, true)
      const at = (reason: string) =>
        result({ tree_size: listed.tree_size, created_at: listed.created_at, reason })
      let opened: OpenedCheckpoint
      try {
        opened = openCheckpoint(crypto, listed.note, trusted)
      } catch (error) {
        if (error instanceof NoteProblem) return at(error.message)
        throw error
      }
      const window = windowProblem(keys, opened)
      if (window) return at(window)
      if (
        opened.treeSize !== listed.tree_size ||
        opened.rootHash.toString('base64') !== listed.root_hash
      )
        return at('the listed tree size or root is not the one its note signs')
      checked++
      if (previous) {
        if (opened.treeSize < previous.treeSize)
          return at(
            `the log shrank from ${previous.treeSize} to ${opened.treeSize} leaves (a rollback)`,
          )
        if (opened.treeSize === previous.treeSize) {
          if (!opened.rootHash.equals(previous.rootHash))
            return at(`two checkpoints of ${opened.treeSize} leaves sign different roots (a fork)`)
        } else {
          const proof = await source.consistencyProof(previous.treeSize, opened.treeSize)
          proofs++
          const hashes = proof.hashes.map((h) => crypto.fromBase64(h))
          if (
            !verifyConsistency(
              crypto,
              previous.treeSize,
              opened.treeSize,
              previous.rootHash,
              opened.rootHash,
              hashes,
            )
          )
            return at(
              `the consistency proof from ${previous.treeSize} to ${opened.treeSize} leaves does not verify: the later tree does not extend the earlier one`,
            )
        }
      }
      previous = opened
    }
    if (!page.next_cursor || page.checkpoints.length === 0) return result(null)
    cursor = page.next_cursor
  }
}
