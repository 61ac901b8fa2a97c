/**
 * One outbound HTTP request of the publish stage (a webhook, a chat message, a PagerDuty event, a
 * rollback call) and what came of it. Sent by `outbound.ts`, which refuses private addresses.
 */
export interface OutboundRequest {
  url: string
  headers: Record<string, string>
  body: string
  /** Default: the sender's (15,000 ms). */
  timeoutMs?: number
  /** Characters of the answer kept in `responseBody`. Default 1,000; at most 65,536. */
  maxBodyChars?: number
}

export interface OutboundResult {
  /** A 2xx answer within the timeout. A 3xx is not followed and is not ok. */
  ok: boolean
  /** The HTTP status; null when no answer came (refused address, DNS, connect, timeout). */
  status: number | null
  durationMs: number
  /**
   * Why it failed, for the delivery log: a machine-readable code and a sentence, e.g.
   * `blocked_address: 10.0.0.7 is a private address`, `timeout: no answer within 15000 ms`.
   */
  error?: string
  /** The answer's body, its first 1,000 characters (or the request's `maxBodyChars`). */
  responseBody: string
  /** When the receiver asked to wait (`Retry-After`, Discord's `retry_after`), in ms. */
  retryAfterMs?: number
  /** True when retrying cannot help (a refused address, an invalid URL). */
  permanent?: boolean
}

export interface Outbound {
  post(request: OutboundRequest): Promise<OutboundResult>
}
