import { createHash } from 'node:crypto'
import { keyId, verifierKey } from '@agenttrail/protocol'
import type { LogKeyRecord } from '../store/log-checkpoint-store.js'

/**
 * The first part of every org log's origin: `AGENTTRAIL_LOG_ORIGIN`, or `agenttrail-` and the first
 * 8 hex digits of the SHA-256 of the log's first public key (the oldest in `log_keys`), so that
 * the origin, which names the log, stays the same across key rotations.
 */
export function originPrefix(
  configured: string | undefined,
  keys: readonly LogKeyRecord[],
): string {
  if (configured) return configured
  const first = keys[0]
  if (!first) throw new Error('the log has no signing key yet')
  return `agenttrail-${createHash('sha256').update(first.publicKey).digest('hex').slice(0, 8)}`
}

/**
 * An org log's origin (C2SP tlog-checkpoint), which is also its checkpoints' key name:
 * `<prefix>/t/<org id>`, the org id percent-encoded as a URI component so that a key name never
 * holds a space or a `+` (C2SP signed-note).
 */
export function logOrigin(prefix: string, orgId: string): string {
  return `${prefix}/t/${encodeURIComponent(orgId)}`
}

/** A public key as `/log/keys` and the verifiable export list it, for one org's log. */
export interface LogKeyView {
  name: string
  /** The signed-note key id (Ed25519, type 0x01) under this name, hex. */
  key_id: string
  /** `<name>+<key id>+<base64(0x01 ‖ key)>`, as Go's note package reads it. */
  vkey: string
  algorithm: 'ed25519'
  not_before: string
  not_after: string | null
}

export function logKeyView(key: LogKeyRecord, origin: string): LogKeyView {
  return {
    name: origin,
    key_id: keyId(origin, 0x01, key.publicKey).toString('hex'),
    vkey: verifierKey(origin, key.publicKey),
    algorithm: key.algorithm,
    not_before: new Date(key.notBefore).toISOString(),
    not_after: key.notAfter === null ? null : new Date(key.notAfter).toISOString(),
  }
}
