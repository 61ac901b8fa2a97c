import type { NewEvent } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { ErrorCode } from '@agenttrail/protocol'
import type { BeforeAppend } from '../../../ingest/ingest-service.js'
import type { PaymentKey, X402Store } from '../../../store/x402-store.js'
import type { FacilitatorTransport } from '../../../x402/facilitator.js'
import { settlePayment } from '../../../x402/facilitator.js'
import { caipNetwork, v1Network } from '../../../x402/networks.js'
import type { DecodedPayment } from '../../../x402/payment-header.js'
import type { ResolvedOffer } from '../../../x402/requirements.js'
import { requirementV1, requirementV2 } from '../../../x402/requirements.js'

/** A refused payment: its code (`payment_*`), the x402 reason word, and a sentence for a person. */
export function paymentError(
  code: Extract<ErrorCode, `payment_${string}`>,
  reason: string,
  message: string,
): AppError {
  return new AppError(code, message).with({ reason })
}

/** What a paid log needs to settle its payment. */
export interface PaidLogDeps {
  x402: Pick<X402Store, 'reservePayment' | 'settlePayment' | 'releasePayment' | 'refusePayment'>
  transport: FacilitatorTransport
  /** `AGENTTRAIL_X402_SETTLE_TIMEOUT_MS`. */
  settleTimeoutMs: number
}

/** The settled payment, once `beforeAppend` has run. */
export interface Paid {
  payer: string
  transaction: string
  network: string
}

/**
 * The step that turns a verified payment into money before the log is stored, run by the ingest
 * pipeline right before the append (`IngestService.one`), after every gate: the authorization is
 * reserved in the ledger (a replay finds it and is refused), sent to the org's facilitator, and
 * only on its success does the event carry the payment (`metadata.x402`) and get appended. A
 * failure gives the reservation back, unless the nonce was used on chain, and refuses the request
 * with nothing stored.
 */
export function settleBeforeAppend(
  deps: PaidLogDeps,
  offer: ResolvedOffer,
  payment: DecodedPayment,
  payer: string,
): { step: BeforeAppend; paid: () => Paid | undefined } {
  let paid: Paid | undefined
  const step: BeforeAppend = async (events: NewEvent[]) => {
    const event = events[0] as NewEvent
    const auth = payment.authorization
    const key: PaymentKey = {
      orgId: offer.orgId,
      chainId: offer.chainId,
      asset: offer.asset,
      payer,
      nonce: auth.nonce,
    }
    const reserved = await deps.x402.reservePayment({
      ...key,
      payTo: offer.payTo,
      amount: offer.price,
      validBefore: Number(auth.validBefore),
      eventId: event.id,
      x402Version: payment.version,
      reservedAt: Date.now(),
    })
    if (!reserved)
      throw paymentError(
        'payment_invalid',
        'invalid_exact_evm_nonce_already_used',
        'this payment was used before; sign a new one for each log',
      )
    const settled = await settlePayment(
      deps.transport,
      offer.facilitatorUrl,
      {
        x402Version: payment.version,
        paymentPayload: forwarded(payment, offer),
        paymentRequirements: payment.version === 1 ? requirementV1(offer) : requirementV2(offer),
      },
      deps.settleTimeoutMs,
      { payer, chainId: offer.chainId, amount: offer.price },
    ).catch(async (error: unknown) => {
      await deps.x402.releasePayment(key)
      throw error
    })
    if (!settled.ok) {
      if (settled.final) await deps.x402.refusePayment(key, settled.reason, Date.now())
      else await deps.x402.releasePayment(key)
      throw paymentError('payment_failed', settled.reason, settled.problem)
    }
    paid = { payer, transaction: settled.transaction, network: caipNetwork(offer.chainId) }
    await deps.x402.settlePayment(key, { transaction: settled.transaction, at: Date.now() })
    // Set by the server after redaction, over anything the client sent under the same name.
    const metadata = JSON.parse(event.metadata) as Record<string, unknown>
    metadata.x402 = {
      payer,
      transaction: settled.transaction,
      network: paid.network,
      asset: offer.asset,
      amount: offer.price,
      pay_to: offer.payTo,
      x402_version: payment.version,
    }
    event.metadata = JSON.stringify(metadata)
  }
  return { step, paid: () => paid }
}

/**
 * The payment as the facilitator is sent it: the authorization verified here and its signature,
 * rebuilt from the checked fields, never the client's JSON. A key this server does not read would
 * change what a facilitator settles (`payload.permit2Authorization` makes `@x402/evm` settle a
 * Permit2 transfer, possibly from a smart wallet, instead of the authorization verified and
 * reserved; `extensions` ask for services the offer never named). Version 2's `accepted` is the
 * offer's requirement, as sent beside it. The network is spelled as the version's requirements
 * spell it (a v1 payment may say `eip155:8453`, as Logwick's page does, where the v1 facilitators
 * know only `base`); the signature covers the chain id, not the name.
 */
function forwarded(payment: DecodedPayment, offer: ResolvedOffer): Record<string, unknown> {
  const a = payment.authorization
  const payload = {
    signature: payment.signature,
    authorization: {
      from: a.from,
      to: a.to,
      value: a.value.toString(),
      validAfter: a.validAfter.toString(),
      validBefore: a.validBefore.toString(),
      nonce: a.nonce,
    },
  }
  if (payment.version === 1)
    return { x402Version: 1, scheme: 'exact', network: v1Network(offer.chainId), payload }
  return {
    x402Version: 2,
    resource: { url: offer.resource, description: offer.description, mimeType: 'application/json' },
    accepted: requirementV2(offer),
    payload,
  }
}
