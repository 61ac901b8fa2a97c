// The integrity log's answers (docs/api.md, "The integrity log"), as the server sends them.
// Hashes are base64 SHA-256; a leaf index is the event's seq - 1.

/** One of the log's signing keys, with its validity window. */
export interface LogKey {
  /** The key name: the org log's origin. */
  name: string
  /** The signed-note key id, 8 hex digits. */
  key_id: string
  /** The signed-note verifier key: `<name>+<key id>+<base64 key>`. */
  vkey: string
  algorithm: 'ed25519'
  /** ISO 8601. */
  not_before: string
  /** ISO 8601; null while the key is current. */
  not_after: string | null
}

/** A signed checkpoint of the history. */
export interface LogCheckpoint {
  tree_size: number
  root_hash: string
  /** ISO 8601. */
  created_at: string
  /** `growth` after new events, `heartbeat` hourly when nothing changed. */
  kind: 'growth' | 'heartbeat'
  /** The signed note (C2SP tlog-checkpoint). */
  note: string
}

export interface CheckpointPage {
  checkpoints: LogCheckpoint[]
  /** Pass back as `cursor`; null on the last page. */
  next_cursor: string | null
}

export interface CheckpointQuery {
  /** Only checkpoints of more leaves than this. */
  afterSize?: number
  /** 1 to 1000; default 100. */
  limit?: number
  cursor?: string
}

/** `GET /api/v1/events/{id}/proof`: RFC 6962 PATH of the event's leaf, with the checkpoint it leads to. */
export interface InclusionProof {
  leaf_index: number
  tree_size: number
  leaf_hash: string
  /** The leaf as committed: JCS of `{ "event": ..., "v": 1 }`. */
  leaf: string
  /** Leaf to root. */
  hashes: string[]
  /** The signed checkpoint of `tree_size`. */
  checkpoint: string
}

/** `GET /api/v1/log/proof/consistency`: RFC 6962 PROOF(first, D[second]). */
export interface ConsistencyProof {
  first: number
  second: number
  hashes: string[]
}

export interface LogLeaf {
  seq: number
  leaf_hash: string
  leaf: string
}

export interface LogStatus {
  /** Leaves in the org's log. */
  tree_size: number
  /** The highest seq the org has committed. */
  trail_seq: number
  latest_checkpoint: { tree_size: number; created_at: string; root_hash: string } | null
  /** The current signing key's id (hex); null before the server first started. */
  key_id: string | null
  /** Leaves not yet covered by a checkpoint. */
  lag_events: number
}

/** `POST /api/v1/erasures`: exactly one selector, and why. */
export type ErasureRequest = (
  { user: string } | { agent: string; day: string; environment?: string } | { eventId: string }
) & {
  /** Why (such as `gdpr-art17`); recorded in the tombstone. Never personal data. */
  reason: string
  /** Your reference for the request (a ticket or DSAR number). */
  requestRef?: string | null
}

export interface ErasureResult {
  /** Events erased; 0 when nothing matched. */
  erased: number
  /** The `log.erasure` audit events appended with the erasure. */
  tombstones: { id: string; seq: number }[]
}
