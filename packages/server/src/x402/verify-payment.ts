import type { DecodedPayment } from './payment-header.js'
import { authorizationDigest, recoverSigner } from './eip3009.js'
import { chainIdOf } from './networks.js'
import type { X402Offer } from '../store/x402-store.js'

/** The reference verifier's margin: an authorization must stay valid 6 s more (`@x402/evm`). */
export const VALID_BEFORE_MARGIN_S = 6
/** Clock difference tolerated past an offer's `maxTimeoutSeconds`, in seconds. */
export const CLOCK_SLACK_S = 60

/** Why a payment is refused, in the x402 reference's words (`@x402/evm` facilitator errors). */
export type PaymentProblem =
  | 'invalid_exact_evm_scheme'
  | 'invalid_exact_evm_network_mismatch'
  | 'invalid_exact_evm_asset_mismatch'
  | 'invalid_exact_evm_signature'
  | 'invalid_exact_evm_recipient_mismatch'
  | 'invalid_exact_evm_payload_authorization_valid_before'
  | 'invalid_exact_evm_payload_authorization_valid_after'
  | 'invalid_exact_evm_authorization_value'

export type Verdict =
  { ok: true; payer: string } | { ok: false; reason: PaymentProblem; problem: string }

/**
 * Everything about a payment that can be checked without the chain (docs/x402.md, "What is
 * verified here"), against the offer it names, at `nowS` (Unix seconds, server time): the scheme,
 * the network, the token (v2 names it; v1's signature domain carries it), the EIP-712 signature of
 * the EIP-3009 authorization recovered to `from`, the recipient, the validity window and the exact
 * amount. Not here: the payer's balance, the token's real name and version, the nonce's state on
 * chain; the facilitator proves those when it settles. The nonce's use here is the store's
 * (`X402Store.reservePayment`).
 */
export function verifyPayment(payment: DecodedPayment, offer: X402Offer, nowS: number): Verdict {
  const refuse = (reason: PaymentProblem, problem: string): Verdict => ({
    ok: false,
    reason,
    problem,
  })
  const auth = payment.authorization
  if (payment.scheme !== 'exact')
    return refuse('invalid_exact_evm_scheme', 'only the exact scheme is accepted')
  if (chainIdOf(payment.network) !== offer.chainId)
    return refuse(
      'invalid_exact_evm_network_mismatch',
      `the payment is for another network than eip155:${offer.chainId}`,
    )
  if (payment.accepted && payment.accepted.asset !== offer.asset)
    return refuse(
      'invalid_exact_evm_asset_mismatch',
      'the payment names another token than the offer',
    )
  if (payment.accepted && payment.accepted.payTo !== offer.payTo)
    return refuse(
      'invalid_exact_evm_recipient_mismatch',
      'the payment names another pay-to address than the offer',
    )
  if (payment.accepted && payment.accepted.amount !== BigInt(offer.price))
    return refuse(
      'invalid_exact_evm_authorization_value',
      'the payment names another amount than the offer',
    )
  const digest = authorizationDigest(auth, {
    name: offer.assetName,
    version: offer.assetVersion,
    chainId: offer.chainId,
    verifyingContract: offer.asset,
  })
  const signer = recoverSigner(digest, payment.signature)
  if (!signer.ok) return refuse('invalid_exact_evm_signature', signer.problem)
  if (signer.address !== auth.from)
    return refuse(
      'invalid_exact_evm_signature',
      "the signature was not made by authorization.from over this authorization and the offer's token, chain and EIP-712 domain",
    )
  if (auth.to !== offer.payTo)
    return refuse(
      'invalid_exact_evm_recipient_mismatch',
      "authorization.to is not the offer's pay-to address",
    )
  const now = BigInt(nowS)
  if (auth.validBefore < now + BigInt(VALID_BEFORE_MARGIN_S))
    return refuse(
      'invalid_exact_evm_payload_authorization_valid_before',
      'the authorization has expired or expires within 6 seconds',
    )
  if (auth.validBefore > now + BigInt(offer.maxTimeoutSeconds + CLOCK_SLACK_S))
    return refuse(
      'invalid_exact_evm_payload_authorization_valid_before',
      `the authorization stays valid longer than the offer's ${offer.maxTimeoutSeconds} s`,
    )
  if (auth.validAfter > now)
    return refuse(
      'invalid_exact_evm_payload_authorization_valid_after',
      'the authorization is not valid yet',
    )
  if (auth.value !== BigInt(offer.price))
    return refuse(
      'invalid_exact_evm_authorization_value',
      `the amount must be exactly ${offer.price}`,
    )
  return { ok: true, payer: auth.from }
}
