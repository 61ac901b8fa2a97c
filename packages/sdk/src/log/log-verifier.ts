import { leafHashOf, verifyConsistency, verifyInclusion } from './merkle-verify.js'
import { logCrypto } from './node-crypto.js'
import type { LogCrypto } from './node-crypto.js'
import { NoteProblem, openCheckpoint, parseVerifierKey } from './signed-note.js'
import type { NoteVerifier, OpenedCheckpoint } from './signed-note.js'
import type {
  CheckpointPage,
  CheckpointQuery,
  ConsistencyProof,
  InclusionProof,
  LogKey,
} from './log-types.js'

/** A checkpoint whose signature verified, in the server's field names. */
export interface VerifiedCheckpoint {
  origin: string
  tree_size: number
  root_hash: string
  /** The signing key's id (hex). */
  key_id: string
  /** When it was signed (its timestamped cosignature), ISO 8601; null without one. */
  signed_at: string | null
}

/** The outcome of checking an event's inclusion proof. */
export interface ProofVerdict {
  verified: boolean
  /** What failed, in words; null when verified. */
  problem: string | null
  leaf_index: number
  /** The checkpoint the proof leads to, when its signature verified. */
  checkpoint: VerifiedCheckpoint | null
}

/** Keys to check signatures with: the log's published keys, or verifier keys pinned out of band. */
export type TrustedKeys = readonly (LogKey | string)[]

function verifiers(crypto: LogCrypto, keys: TrustedKeys): NoteVerifier[] {
  return keys.map((k) => parseVerifierKey(crypto, typeof k === 'string' ? k : k.vkey))
}

function view(c: OpenedCheckpoint): VerifiedCheckpoint {
  return {
    origin: c.origin,
    tree_size: c.treeSize,
    root_hash: c.rootHash.toString('base64'),
    key_id: c.keyId,
    signed_at: c.signedAt === null ? null : new Date(c.signedAt * 1000).toISOString(),
  }
}

/** The key's validity window holds the signing time (a retired key may not sign later). */
function windowProblem(keys: TrustedKeys, c: OpenedCheckpoint): string | null {
  const key = keys.find((k): k is LogKey => typeof k !== 'string' && k.key_id === c.keyId)
  if (!key || c.signedAt === null) return null
  const at = c.signedAt * 1000
  // Whole seconds: a note signed in the key's first second carries the second it began in.
  if (at < Math.floor(Date.parse(key.not_before) / 1000) * 1000)
    return `the checkpoint was signed at ${view(c).signed_at}, before key ${c.keyId} began (${key.not_before})`
  if (key.not_after !== null && at > Date.parse(key.not_after))
    return `the checkpoint was signed at ${view(c).signed_at}, after key ${c.keyId} was retired (${key.not_after})`
  return null
}

/**
 * Checks an inclusion proof (`GET /api/v1/events/{id}/proof`) in this process: the checkpoint's
 * Ed25519 signature by one of `keys` and its key's validity window, that the checkpoint is of the
 * proof's tree size, that the leaf hashes to `leaf_hash`, that the leaf is the event `eventId` at
 * `seq` = index + 1, and the RFC 9162 §2.1.3.2 path from the leaf to the checkpoint's root.
 */
export async function verifyInclusionProof(
  proof: InclusionProof,
  keys: TrustedKeys,
  expect: { eventId?: string; event?: Record<string, unknown> } = {},
): Promise<ProofVerdict> {
  const crypto = await logCrypto()
  const verdict = (problem: string | null, checkpoint: VerifiedCheckpoint | null) => ({
    verified: problem === null,
    problem,
    leaf_index: proof.leaf_index,
    checkpoint,
  })
  let opened: OpenedCheckpoint
  try {
    opened = openCheckpoint(crypto, proof.checkpoint, verifiers(crypto, keys))
  } catch (error) {
    if (error instanceof NoteProblem) return verdict(error.message, null)
    throw error
  }
  const checkpoint = view(opened)
  const window = windowProblem(keys, opened)
  if (window) return verdict(window, checkpoint)
  if (opened.treeSize !== proof.tree_size)
    return verdict(
      `the proof is for a tree of ${proof.tree_size} leaves but its checkpoint signs ${opened.treeSize}`,
      checkpoint,
    )
  const leafHash = leafHashOf(crypto, proof.leaf)
  if (leafHash.toString('base64') !== proof.leaf_hash)
    return verdict('the leaf does not hash to the leaf_hash the server gave', checkpoint)
  const event = leafEvent(proof.leaf)
  if (!event)
    return verdict('the leaf is not a committed event ({"event": ..., "v": 1})', checkpoint)
  if (event.seq !== proof.leaf_index + 1)
    return verdict(
      `the leaf is of seq ${String(event.seq)}, not of leaf index ${proof.leaf_index} (seq ${proof.leaf_index + 1})`,
      checkpoint,
    )
  if (expect.eventId !== undefined && event.id !== expect.eventId)
    return verdict(`the leaf is event ${String(event.id)}, not ${expect.eventId}`, checkpoint)
  if (expect.event !== undefined) {
    const differ = differingFields(event as Record<string, unknown>, expect.event)
    if (differ.length > 0)
      return verdict(
        `the event as the server shows it differs from its committed leaf in ${differ.join(', ')}`,
        checkpoint,
      )
  }
  const hashes = proof.hashes.map((h) => crypto.fromBase64(h))
  if (
    !verifyInclusion(crypto, leafHash, proof.leaf_index, proof.tree_size, hashes, opened.rootHash)
  )
    return verdict(
      `the inclusion proof (${hashes.length} hashes) does not lead from leaf ${proof.leaf_index} to the signed root of the tree of ${proof.tree_size} leaves`,
      checkpoint,
    )
  return verdict(null, checkpoint)
}

const isCommitment = (v: unknown) =>
  typeof v === 'object' && v !== null && typeof (v as { $commit?: unknown }).$commit === 'string'

/**
 * The fields of the committed event whose value the shown event does not have. A personal field
 * enters the leaf as a salted commitment (`{"$commit": ...}`), which only its opening (in the
 * verifiable export) can check: here it must merely be present. Metadata keys are clear, their
 * values committed. Fields the shown event has beyond the leaf (its evaluations) are not compared.
 */
export function differingFields(
  committed: Record<string, unknown>,
  shown: Record<string, unknown>,
): string[] {
  const differ: string[] = []
  for (const [field, value] of Object.entries(committed)) {
    const other = shown[field]
    if (isCommitment(value)) {
      if (other === null || other === undefined) differ.push(field)
    } else if (field === 'metadata' && isPlainObject(value) && isPlainObject(other)) {
      const keys = Object.keys(value)
      const same =
        keys.length === Object.keys(other).length &&
        keys.every(
          (key) =>
            Object.hasOwn(other, key) &&
            (isCommitment(value[key]) || sameJson(value[key], other[key])),
        )
      if (!same) differ.push(field)
    } else if (!sameJson(value, other)) differ.push(field)
  }
  return differ
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Equal as JSON values (object keys in any order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]))
  if (!isPlainObject(a) || !isPlainObject(b)) return false
  const keys = Object.keys(a)
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
  )
}

function leafEvent(leaf: string): { id?: unknown; seq?: unknown } | undefined {
  try {
    const parsed = JSON.parse(leaf) as { v?: unknown; event?: unknown }
    if (parsed.v !== 1 || typeof parsed.event !== 'object' || parsed.event === null)
      return undefined
    return parsed.event as { id?: unknown; seq?: unknown }
  } catch {
    return undefined
  }
}

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
