import { createHmac, randomBytes } from 'node:crypto'

/**
 * Webhook signatures. Every request is signed twice from one secret:
 *
 * - `X-AgentLedger-Signature: sha256=<hex>` for AgentLedger compatibility: HMAC-SHA256 of the body,
 *   keyed with the whole `whsec_…` string, no timestamp.
 * - The Standard Webhooks headers (https://www.standardwebhooks.com/): `webhook-id`,
 *   `webhook-timestamp`, `webhook-signature: v1,<base64>`, keyed with the base64-decoded part after
 *   `whsec_`, over `"<id>.<timestamp>.<body>"`. The spec allows both side by side from one secret.
 */

const PREFIX = 'whsec_'

/**
 * A new webhook secret: `whsec_` + standard base64 (with `+`, `/` and `=`) of 32 random bytes.
 * Not base64url: the `standardwebhooks` and `svix` verifiers throw on a secret containing `-`
 * or `_`.
 */
function mintSecret(): string {
  return PREFIX + randomBytes(32).toString('base64')
}

/**
 * The AgentLedger-compatible `X-AgentLedger-Signature` value: `sha256=` + hex HMAC-SHA256 of
 * `body`, keyed with the whole secret string (prefix included).
 *
 * AgentLedger's documented receiver verifies `JSON.stringify(req.body)`, i.e. the body parsed and
 * serialised again. So `body` must be compact JSON, exactly `JSON.stringify` of its own parse (no
 * spaces, no indentation), or that receiver rejects a genuine signature.
 */
function legacySignature(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex')
}

/**
 * One Standard Webhooks signature: `v1,<base64 HMAC-SHA256 over "<msgId>.<timestampSeconds>.<body>">`,
 * keyed with the bytes the part after `whsec_` decodes to (a secret without the prefix is
 * decoded whole, as the reference libraries do).
 */
function standardSignature(
  secret: string,
  msgId: string,
  timestampSeconds: number,
  body: string,
): string {
  const key = Buffer.from(
    secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret,
    'base64',
  )
  const mac = createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`, 'utf8')
  return 'v1,' + mac.digest('base64')
}

export interface SignedHeadersInput {
  /** The endpoint's current secret (`whsec_…`). */
  secret: string
  /** Stable across retries of one delivery: receivers deduplicate on it. */
  deliveryId: string
  /** The topic, e.g. `alert.created`. */
  event: string
  /** The exact bytes sent: compact JSON (see `legacySignature`). */
  body: string
  /** The send time in ms since the epoch; `webhook-timestamp` is it in whole seconds. */
  nowMs: number
  /**
   * During a rotation, the secret being replaced: `webhook-signature` then carries a signature with
   * each secret, so receivers still holding the old one keep verifying. The AgentLedger header,
   * which has room for one signature only, uses the current secret.
   */
  previousSecret?: string
}

/** Every header of a signed webhook request, the content type included. */
function signedHeaders(input: SignedHeadersInput): Record<string, string> {
  const { secret, deliveryId, event, body, nowMs, previousSecret } = input
  const timestamp = Math.floor(nowMs / 1000)
  const signatures = [standardSignature(secret, deliveryId, timestamp, body)]
  if (previousSecret !== undefined)
    signatures.push(standardSignature(previousSecret, deliveryId, timestamp, body))
  return {
    'Content-Type': 'application/json',
    'X-AgentLedger-Signature': legacySignature(secret, body),
    'X-AgentLedger-Event': event,
    'X-AgentLedger-Delivery': deliveryId,
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  }
}

export { legacySignature, mintSecret, signedHeaders, standardSignature }
