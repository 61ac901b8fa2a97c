import { chainIdOf } from './networks.js'

/**
 * What settling needs of an HTTP client: `notify/outbound.ts`'s guarded POST (no private
 * addresses unless the operator allowed them, no redirects, a timeout) fits it.
 */
export interface FacilitatorTransport {
  post(request: {
    url: string
    headers: Record<string, string>
    body: string
    timeoutMs?: number
    maxBodyChars?: number
  }): Promise<{ ok: boolean; status: number | null; responseBody: string; error?: string }>
}

export type Settlement =
  | { ok: true; transaction: string }
  | {
      ok: false
      /** A reason word: the facilitator's `errorReason`, or `settlement_timeout`, `facilitator_unreachable`, `unexpected_settle_error`. */
      reason: string
      /** The authorization can never settle (its nonce is used): keep its reservation. */
      final: boolean
      problem: string
    }

/** The fields of a facilitator's `SettleResponse` read here (x402-specification-v1.md §7). */
interface SettleAnswer {
  success?: unknown
  transaction?: unknown
  errorReason?: unknown
  payer?: unknown
  network?: unknown
  amount?: unknown
}

/** True unless the answer names a payer, network or amount other than the payment's. */
function isAbout(
  answer: SettleAnswer,
  expected: { payer: string; chainId: number; amount: string },
): boolean {
  const absent = (v: unknown) => v === undefined || v === null
  return (
    (absent(answer.payer) ||
      (typeof answer.payer === 'string' &&
        answer.payer.toLowerCase() === expected.payer.toLowerCase())) &&
    (absent(answer.network) ||
      (typeof answer.network === 'string' && chainIdOf(answer.network) === expected.chainId)) &&
    (absent(answer.amount) ||
      (typeof answer.amount === 'string' &&
        /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(answer.amount) &&
        BigInt(answer.amount) === BigInt(expected.amount)))
  )
}

/**
 * `<url>/settle`, the step added to the path: a query (a token, say) stays the query, not text the
 * step is glued onto, and a fragment, which is never sent, cannot swallow the step. The offer's
 * URL was checked to parse (`X402OfferInputSchema`).
 */
function settleUrl(facilitatorUrl: string): string {
  const url = new URL(facilitatorUrl)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/settle`
  url.hash = ''
  return url.toString()
}

/** An EVM transaction hash. */
const TX_HASH = /^0x[0-9a-fA-F]{64}$/
/** A reason word a facilitator may send, echoed to the client only in this form. */
const REASON = /^[a-z0-9_]{1,80}$/i

/**
 * Asks the operator's facilitator to settle a verified payment: `POST {url}/settle` with
 * `{ x402Version, paymentPayload, paymentRequirements }` (x402-specification-v1.md §7). A payment
 * counts as settled only on `200 { success: true, transaction: 0x… }` whose `payer`, `network` and
 * `amount`, where the answer names them, are the payment's (an answer about another payment
 * proves nothing about this one); anything else (a refusal, a 5xx, an unreadable answer, no
 * answer in time) is a failure. Only a used nonce is final: every other failure leaves the
 * authorization as it was on chain, so the client may send it again (the token contract moves it
 * at most once whatever happens).
 */
export async function settlePayment(
  transport: FacilitatorTransport,
  facilitatorUrl: string,
  body: { x402Version: number; paymentPayload: unknown; paymentRequirements: unknown },
  timeoutMs: number,
  expected: { payer: string; chainId: number; amount: string },
): Promise<Settlement> {
  const result = await transport.post({
    url: settleUrl(facilitatorUrl),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
    timeoutMs,
    maxBodyChars: 16_384,
  })
  if (result.status === null) {
    const timeout = result.error?.startsWith('timeout') === true
    return {
      ok: false,
      reason: timeout ? 'settlement_timeout' : 'facilitator_unreachable',
      final: false,
      problem: timeout
        ? `the facilitator did not answer within ${timeoutMs} ms; nothing was stored`
        : 'the facilitator could not be reached; nothing was stored',
    }
  }
  let answer: SettleAnswer = {}
  try {
    const parsed: unknown = JSON.parse(result.responseBody)
    if (parsed !== null && typeof parsed === 'object') answer = parsed as typeof answer
  } catch {
    // Read below as an unexpected answer.
  }
  const settled =
    result.ok &&
    answer.success === true &&
    typeof answer.transaction === 'string' &&
    TX_HASH.test(answer.transaction)
  if (settled && isAbout(answer, expected))
    return { ok: true, transaction: (answer.transaction as string).toLowerCase() }
  if (settled)
    return {
      ok: false,
      reason: 'unexpected_settle_error',
      final: false,
      problem:
        "the facilitator's answer names another payer, network or amount than this payment; nothing was stored",
    }
  const reason =
    typeof answer.errorReason === 'string' && REASON.test(answer.errorReason)
      ? answer.errorReason
      : 'unexpected_settle_error'
  return {
    ok: false,
    reason,
    final: reason.includes('nonce_already_used'),
    problem:
      reason === 'unexpected_settle_error'
        ? `the facilitator answered ${result.status} without a settled transaction; nothing was stored`
        : `the facilitator refused to settle (${reason}); nothing was stored`,
  }
}
