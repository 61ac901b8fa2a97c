import type { Context } from 'hono'
import { z } from 'zod'
import { AppError } from '../../../app-error.js'
import { v1Network } from '../../../x402/networks.js'
import { encodeHeader } from '../../../x402/payment-header.js'
import type { ResolvedOffer } from '../../../x402/requirements.js'
import { paymentRequiredV1, paymentRequiredV2 } from '../../../x402/requirements.js'
import type { Paid } from './settle-step.js'

const PAYMENT_CODES = [
  'payment_malformed',
  'payment_required',
  'payment_invalid',
  'payment_failed',
] as const

/** A requirement of the 402 body (x402 version 1). */
const RequirementV1Schema = z.object({
  scheme: z.literal('exact'),
  network: z
    .string()
    .describe('The v1 name (`base`, `base-sepolia`) where one exists, else CAIP-2.'),
  maxAmountRequired: z.string().describe('Atomic units of `asset`.'),
  resource: z.string(),
  description: z.string(),
  mimeType: z.string(),
  payTo: z.string(),
  maxTimeoutSeconds: z.number(),
  asset: z.string(),
  extra: z
    .object({ name: z.string(), version: z.string() })
    .describe("The token's EIP-712 domain."),
})

/** The body of every 402 (and of a 400 for an unreadable payment header). */
export const PaymentRequiredBodySchema = z
  .object({
    x402Version: z.literal(1),
    error: z.string().describe('What went wrong, for a person.'),
    code: z.enum(PAYMENT_CODES),
    reason: z.string().describe('The x402 reason word, e.g. invalid_exact_evm_signature.'),
    accepts: z.array(RequirementV1Schema),
  })
  .meta({
    id: 'X402PaymentRequired',
    description: 'x402 version 1; the same offers in version 2 are in the PAYMENT-REQUIRED header.',
  })

/** True for a refused payment (`paymentError`). */
export function isPaymentError(error: unknown): error is AppError {
  return error instanceof AppError && (PAYMENT_CODES as readonly string[]).includes(error.code)
}

/**
 * What browsers may read of these answers: any page may call the path (it takes no key and no
 * cookie), and the payment headers are exposed to it.
 */
export function allowBrowsers(c: Context): void {
  c.header('Access-Control-Allow-Origin', '*')
  c.header(
    'Access-Control-Expose-Headers',
    'PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE',
  )
}

/**
 * The answer to a request that must pay, or whose payment was refused: the offers in both
 * versions, x402 v1 in the body (what v1 clients read) and v2 in `PAYMENT-REQUIRED` (what v2
 * clients read first), with the reason.
 */
export function paymentAnswer(
  c: Context,
  offers: readonly ResolvedOffer[],
  error: AppError,
): Response {
  const reason = typeof error.data?.reason === 'string' ? error.data.reason : error.code
  c.header('PAYMENT-REQUIRED', encodeHeader(paymentRequiredV2(offers, reason)))
  c.header('Cache-Control', 'no-store')
  const body = { ...paymentRequiredV1(offers, error.message), code: error.code, reason }
  return c.json(body, error.status as 400 | 402)
}

/** The receipt of a settled payment: `X-PAYMENT-RESPONSE` (v1) or `PAYMENT-RESPONSE` (v2). */
export function setReceipt(c: Context, version: 1 | 2, paid: Paid, offer: ResolvedOffer): void {
  const receipt = {
    success: true,
    transaction: paid.transaction,
    network: version === 1 ? v1Network(offer.chainId) : paid.network,
    payer: paid.payer,
    ...(version === 2 && { amount: offer.price }),
  }
  c.header(version === 1 ? 'X-PAYMENT-RESPONSE' : 'PAYMENT-RESPONSE', encodeHeader(receipt))
}
