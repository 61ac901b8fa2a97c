import type { X402Offer, X402Store } from '../store/x402-store.js'
import type { DecodedPayment } from './payment-header.js'
import { chainIdOf } from './networks.js'
import type { ResolvedOffer } from './requirements.js'

/** The path paid logs are taken on (Logwick's, shared/reference/000). */
export const AGENT_LOG_PATH = '/api/v1/agent-log'

/**
 * The URL payers are told they pay for: the offer's own, else `AGENTTRAIL_PUBLIC_URL` and the
 * path; never the request's Host header, which the client chooses. Null when neither is set.
 */
export function resourceOf(offer: X402Offer, publicUrl: string | undefined): string | null {
  return offer.resourceUrl ?? (publicUrl === undefined ? null : `${publicUrl}${AGENT_LOG_PATH}`)
}

/**
 * The enabled offers a request may pay, with their resource URLs: every org's, or one org's when
 * the request names it (`?org=`). An offer without a resource URL is left out.
 */
export async function liveOffers(
  store: Pick<X402Store, 'offers'>,
  publicUrl: string | undefined,
  org: string | undefined,
): Promise<ResolvedOffer[]> {
  const offers = await store.offers()
  return offers.flatMap((offer) => {
    if (org !== undefined && offer.orgId !== org) return []
    const resource = resourceOf(offer, publicUrl)
    return resource === null ? [] : [{ ...offer, resource }]
  })
}

/**
 * The offer a payment pays: the one on its network whose pay-to address is the authorization's
 * `to` (a pay-to address belongs to one org per chain, `X402Store.putOffer`). Else why none.
 */
export function offerFor(
  offers: readonly ResolvedOffer[],
  payment: DecodedPayment,
):
  | { ok: true; offer: ResolvedOffer }
  | {
      ok: false
      reason: 'invalid_exact_evm_network_mismatch' | 'invalid_exact_evm_recipient_mismatch'
      problem: string
    } {
  const chainId = chainIdOf(payment.network)
  const onChain = offers.filter((o) => o.chainId === chainId)
  if (onChain.length === 0)
    return {
      ok: false,
      reason: 'invalid_exact_evm_network_mismatch',
      problem: 'no offer here is on the network the payment names',
    }
  const offer = onChain.find((o) => o.payTo === payment.authorization.to)
  if (!offer)
    return {
      ok: false,
      reason: 'invalid_exact_evm_recipient_mismatch',
      problem: 'authorization.to is not the pay-to address of any offer here',
    }
  return { ok: true, offer }
}
