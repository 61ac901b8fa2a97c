import { createHash } from 'node:crypto'

/**
 * The stable guid of an agent: one agent is one (org, environment, name). Derived, not stored, so
 * every agent that ever sent an event has one without a migration, and every server computes the
 * same one. Formatted as an RFC 9562 version-8 (custom) UUID from the first 16 bytes of SHA-256 over
 * the three parts; the JSON array keeps `("a b", "c")` and `("a", "b c")` apart.
 */
export function agentGuid(orgId: string, environment: string, name: string): string {
  const bytes = createHash('sha256')
    .update(JSON.stringify([orgId, environment, name]))
    .digest()
    .subarray(0, 16)
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f)
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
