/** The shapes of the integrity log's read API (docs/api.md), as the dashboard reads them. */

/** `GET /api/v1/log/status`. */
export interface LogStatus {
  tree_size: number
  trail_seq: number
  latest_checkpoint: { tree_size: number; created_at: string; root_hash: string } | null
  key_id: string | null
  lag_events: number
}

/** One of `GET /api/v1/log/keys`. */
export interface LogKey {
  name: string
  key_id: string
  vkey: string
  algorithm: 'ed25519'
  not_before: string
  not_after: string | null
}

/** One of `GET /api/v1/log/checkpoints`. */
export interface CheckpointRow {
  tree_size: number
  root_hash: string
  created_at: string
  kind: 'growth' | 'heartbeat'
  note: string
}
