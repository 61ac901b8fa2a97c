import type { PaymentRecord, PaymentState, X402Offer } from './x402-store.js'

/** A row of `x402_offers` as either driver returns it (PostgreSQL bigints arrive as strings). */
export interface OfferRow {
  org_id: string
  enabled: boolean | number
  chain_id: number | string
  pay_to: string
  asset: string
  asset_name: string
  asset_version: string
  price: string
  facilitator_url: string
  resource_url: string | null
  description: string
  max_timeout_seconds: number
  updated_at: number | string
}

/** A row of `x402_payments` as either driver returns it. */
export interface PaymentRow {
  chain_id: number | string
  asset: string
  payer: string
  nonce: string
  pay_to: string
  amount: string
  state: string
  event_id: string
  tx_hash: string | null
  reason: string | null
  x402_version: number
  valid_before: number | string
  reserved_at: number | string
  decided_at: number | string | null
}

/** The columns of `x402_offers` in insert order, shared by both dialects' upserts. */
export const OFFER_COLUMNS = [
  'org_id',
  'enabled',
  'chain_id',
  'pay_to',
  'asset',
  'asset_name',
  'asset_version',
  'price',
  'facilitator_url',
  'resource_url',
  'description',
  'max_timeout_seconds',
  'updated_at',
] as const

/** An offer's values in `OFFER_COLUMNS` order; `enabled` as the dialect stores a boolean. */
export function offerValues(offer: X402Offer, bool: (b: boolean) => unknown): unknown[] {
  return [
    offer.orgId,
    bool(offer.enabled),
    offer.chainId,
    offer.payTo,
    offer.asset,
    offer.assetName,
    offer.assetVersion,
    offer.price,
    offer.facilitatorUrl,
    offer.resourceUrl,
    offer.description,
    offer.maxTimeoutSeconds,
    offer.updatedAt,
  ]
}

export function rowToOffer(row: OfferRow): X402Offer {
  return {
    orgId: row.org_id,
    enabled: row.enabled === true || row.enabled === 1,
    chainId: Number(row.chain_id),
    payTo: row.pay_to,
    asset: row.asset,
    assetName: row.asset_name,
    assetVersion: row.asset_version,
    price: row.price,
    facilitatorUrl: row.facilitator_url,
    resourceUrl: row.resource_url,
    description: row.description,
    maxTimeoutSeconds: row.max_timeout_seconds,
    updatedAt: Number(row.updated_at),
  }
}

export function rowToPayment(row: PaymentRow): PaymentRecord {
  return {
    chain_id: Number(row.chain_id),
    asset: row.asset,
    payer: row.payer,
    nonce: row.nonce,
    pay_to: row.pay_to,
    amount: row.amount,
    state: row.state as PaymentState,
    event_id: row.event_id,
    transaction: row.tx_hash,
    reason: row.reason,
    x402_version: row.x402_version,
    valid_before: Number(row.valid_before),
    reserved_at: new Date(Number(row.reserved_at)).toISOString(),
    decided_at: row.decided_at === null ? null : new Date(Number(row.decided_at)).toISOString(),
  }
}
