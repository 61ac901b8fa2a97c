import type { TestApp } from './test-app.js'

/** The address paid in the tests (a documentation address of the x402 specification). */
export const PAY_TO = '0x209693Bc6afc0C5328bA36FaF03C514EF312287C'
/** Where the tests' server says it is: the resource payers are told they pay for. */
export const PUBLIC_URL = 'https://logs.example.com'

/**
 * The environment of a server that takes paid logs in the tests: the facilitator double on
 * loopback allowed (outbound requests refuse loopback otherwise), a public URL, and the settlement
 * timeout: long by default, so a loaded machine never turns a settlement into a timeout; short
 * only where the facilitator hangs on purpose.
 */
export function x402Env(settleTimeoutMs = 30_000): Record<string, string> {
  return {
    AGENTTRAIL_OUTBOUND_ALLOW: '127.0.0.1',
    AGENTTRAIL_PUBLIC_URL: PUBLIC_URL,
    AGENTTRAIL_X402_SETTLE_TIMEOUT_MS: String(settleTimeoutMs),
  }
}

/** An offer of $0.001 USDC on Base to PAY_TO, settled by `facilitatorUrl`. */
export function offerBody(facilitatorUrl: string, more: Record<string, unknown> = {}) {
  return {
    network: 'eip155:8453',
    pay_to: PAY_TO,
    price: '1000',
    facilitator_url: facilitatorUrl,
    ...more,
  }
}

/** The documented Logwick log (shared/reference/000, "Log a paid entry"). */
export const PAID_LOG = {
  agent: 'gpt-4o',
  action: 'email_draft',
  status: 'success',
  input: 'Draft a follow-up email',
  output: 'Subject: Following up...',
  tokens: 312,
  latency_ms: 1842,
}

/** The org's events, audit records aside, newest first (through the in-memory app). */
export async function storedLogs(t: TestApp, key: string): Promise<Array<Record<string, any>>> {
  const res = await t.json('GET', '/api/v1/events?limit=200', { key })
  return (res.body.events as Array<Record<string, any>>).filter((e) => e.kind !== 'audit')
}
