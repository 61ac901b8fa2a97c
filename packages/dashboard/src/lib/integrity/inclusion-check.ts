import { fromBase64, toBase64 } from './bytes.js'
import { leafHash, verifyInclusion } from './merkle.js'
import { openCheckpoint, signatureVerdict } from './signed-note.js'
import type { OpenedCheckpoint, VerifierKey } from './signed-note.js'

/** `GET /api/v1/events/{id}/proof`: the event's leaf, its RFC 6962 audit path, and the checkpoint. */
export interface InclusionProof {
  leaf_index: number
  tree_size: number
  leaf_hash: string
  leaf: string
  hashes: string[]
  checkpoint: string
}

/** One step of the check, as the dashboard lists it. */
export interface CheckStep {
  label: string
  ok: boolean
  detail?: string
}

export interface InclusionCheck {
  /** `failed` when any step fails or a signature does; the signature may still be `unchecked`. */
  status: 'verified' | 'failed'
  steps: CheckStep[]
  signature: 'verified' | 'failed' | 'unchecked'
  opened?: OpenedCheckpoint
}

/** The values of a committed field: `{"$commit": "<base64>"}` stands for a salted commitment. */
const isCommitment = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Object.keys(v).length === 1 && '$commit' in v

/** Equality of two parsed JSON values (key order does not matter, as in JCS). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  const ob = b as Record<string, unknown>
  return ka.every((k) => k in ob && sameJson((a as Record<string, unknown>)[k], ob[k]))
}

/**
 * The fields of the event as shown whose committed values differ: every field in the clear in the
 * leaf must equal the event's; a committed (personal) field is only a hash here, so it is compared
 * by presence, and `metadata` by its keys (the values are committed one by one).
 */
export function differingFields(
  committed: Record<string, unknown>,
  shown: Record<string, unknown>,
) {
  const differ: string[] = []
  for (const [field, value] of Object.entries(committed)) {
    const mine = shown[field]
    if (field === 'metadata' && value !== null && typeof value === 'object') {
      const keys = Object.keys(value).sort().join('\n')
      const shownKeys =
        mine && typeof mine === 'object' ? Object.keys(mine).sort().join('\n') : null
      if (keys !== shownKeys) differ.push(field)
    } else if (isCommitment(value)) {
      if (mine === null || mine === undefined) differ.push(field)
    } else if (!sameJson(value, mine ?? null)) differ.push(field)
  }
  return differ
}

/**
 * Checks an inclusion proof in the browser, with nothing taken on trust from the server: the leaf
 * hashes to its hash, the leaf is this event, the checkpoint is of the proof's size, the audit path
 * leads from the leaf to the checkpoint's root (RFC 9162 §2.1.3.2), and a published key signed the
 * checkpoint (Ed25519, when this browser has it).
 */
export async function checkInclusion<E extends { id: string; seq: number }>(
  proof: InclusionProof,
  event: E,
  keys: readonly VerifierKey[],
): Promise<InclusionCheck> {
  const steps: CheckStep[] = []
  const computed = await leafHash(proof.leaf)
  steps.push({
    label: 'The leaf hashes to its leaf hash',
    ok: toBase64(computed) === proof.leaf_hash,
    detail: `SHA-256(0x00 ‖ leaf) = ${toBase64(computed)}`,
  })

  let committed: Record<string, unknown> | undefined
  try {
    const parsed = JSON.parse(proof.leaf) as { v?: unknown; event?: unknown }
    if (parsed.v === 1 && parsed.event && typeof parsed.event === 'object')
      committed = parsed.event as Record<string, unknown>
  } catch {
    // Reported as the step below.
  }
  const isThis =
    committed !== undefined &&
    committed.id === event.id &&
    committed.seq === event.seq &&
    proof.leaf_index === event.seq - 1
  const differ =
    committed && isThis
      ? differingFields(committed, event as unknown as Record<string, unknown>)
      : []
  steps.push({
    label: 'The leaf is this event',
    ok: isThis && differ.length === 0,
    detail: !committed
      ? 'the leaf is not {"event": …, "v": 1}'
      : !isThis
        ? `the leaf is of event ${String(committed.id)} (seq ${String(committed.seq)}), at index ${proof.leaf_index}`
        : differ.length > 0
          ? `fields differ from the committed event: ${differ.join(', ')}`
          : `id, seq ${event.seq} (leaf index ${proof.leaf_index}) and every field in the clear match`,
  })

  let opened: OpenedCheckpoint | undefined
  try {
    opened = await openCheckpoint(proof.checkpoint, keys)
  } catch (error) {
    steps.push({ label: 'The checkpoint reads', ok: false, detail: (error as Error).message })
    return { status: 'failed', steps, signature: 'failed' }
  }
  const { checkpoint } = opened
  steps.push({
    label: 'The checkpoint is of the proof’s tree size',
    ok: checkpoint.size === proof.tree_size,
    detail: `${checkpoint.origin}, ${checkpoint.size} leaves`,
  })

  // The path is checked against the size the checkpoint signs, not the size the answer states.
  let hashes: Uint8Array[] | undefined
  try {
    hashes = proof.hashes.map(fromBase64)
  } catch {
    hashes = undefined
  }
  const included =
    hashes !== undefined &&
    (await verifyInclusion(computed, proof.leaf_index, checkpoint.size, hashes, checkpoint.root))
  steps.push({
    label: 'The audit path leads to the checkpoint’s root (RFC 9162 §2.1.3.2)',
    ok: included,
    detail: `${proof.hashes.length} hashes to root ${toBase64(checkpoint.root)}`,
  })

  const signature = signatureVerdict(opened)
  if (signature !== 'unchecked')
    steps.push({
      label: 'A published key signed the checkpoint (Ed25519)',
      ok: signature === 'verified',
      detail: opened.signatures.map((s) => `${s.type} ${s.keyIdHex}: ${s.result}`).join('; '),
    })
  return { status: steps.every((s) => s.ok) ? 'verified' : 'failed', steps, signature, opened }
}
