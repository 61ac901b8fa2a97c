import { leafHashOf, verifyInclusion } from './merkle-verify.js'
import { logCrypto } from './node-crypto.js'
import type { LogCrypto } from './node-crypto.js'
import { NoteProblem, openCheckpoint, parseVerifierKey } from './signed-note.js'
import type { NoteVerifier, OpenedCheckpoint } from './signed-note.js'
import { differingFields } from './leaf-compare.js'
import type { InclusionProof, LogKey } from './log-types.js'

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

export function verifiers(crypto: LogCrypto, keys: TrustedKeys): NoteVerifier[] {
  return keys.map((k) => parseVerifierKey(crypto, typeof k === 'string' ? k : k.vkey))
}

export function view(c: OpenedCheckpoint): VerifiedCheckpoint {
  return {
    origin: c.origin,
    tree_size: c.treeSize,
    root_hash: c.rootHash.toString('base64'),
    key_id: c.keyId,
    signed_at: c.signedAt === null ? null : new Date(c.signedAt * 1000).toISOString(),
  }
}

/** The key's validity window holds the signing time (a retired key may not sign later). */
export function windowProblem(keys: TrustedKeys, c: OpenedCheckpoint): string | null {
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
