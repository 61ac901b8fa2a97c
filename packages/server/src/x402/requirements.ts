import type { X402Offer } from '../store/x402-store.js'
import { caipNetwork, v1Network } from './networks.js'

/** An offer with the resource URL it is for, resolved from configuration (never a Host header). */
export interface ResolvedOffer extends X402Offer {
  resource: string
}

/** One way to pay, as x402 version 1 writes it (x402-specification-v1.md §5.1). */
export function requirementV1(offer: ResolvedOffer) {
  return {
    scheme: 'exact' as const,
    network: v1Network(offer.chainId),
    maxAmountRequired: offer.price,
    resource: offer.resource,
    description: offer.description,
    mimeType: 'application/json',
    payTo: offer.payTo,
    maxTimeoutSeconds: offer.maxTimeoutSeconds,
    asset: offer.asset,
    extra: { name: offer.assetName, version: offer.assetVersion },
  }
}

/** One way to pay, as x402 version 2 writes it (x402-specification-v2.md §5.1). */
export function requirementV2(offer: ResolvedOffer) {
  return {
    scheme: 'exact' as const,
    network: caipNetwork(offer.chainId),
    amount: offer.price,
    asset: offer.asset,
    payTo: offer.payTo,
    maxTimeoutSeconds: offer.maxTimeoutSeconds,
    extra: { name: offer.assetName, version: offer.assetVersion },
  }
}

/** The v1 answer to an unpaid or refused request: the 402 body's x402 fields. */
export function paymentRequiredV1(offers: readonly ResolvedOffer[], error: string) {
  return { x402Version: 1 as const, error, accepts: offers.map(requirementV1) }
}

/**
 * The v2 answer, sent base64 in the `PAYMENT-REQUIRED` header. One resource for all offers: the
 * first's (offers of several orgs on one server share the path, and a payment names its org by
 * its pay-to address).
 */
export function paymentRequiredV2(offers: readonly ResolvedOffer[], error: string) {
  const first = offers[0]
  return {
    x402Version: 2 as const,
    error,
    ...(first && {
      resource: {
        url: first.resource,
        description: first.description,
        mimeType: 'application/json',
      },
    }),
    accepts: offers.map(requirementV2),
    extensions: {},
  }
}
