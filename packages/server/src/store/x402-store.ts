/**
 * Paid logs over x402 (docs/x402.md): each org's offer, and the ledger of payments, which is also
 * the replay guard. An EIP-3009 authorization can move money once (the token contract keeps its
 * nonce), so a payment is reserved here, atomically, before it is sent to be settled: a second
 * request carrying it finds the reservation and is refused.
 */
export interface X402Store {
  /** The org's offer, enabled or not; undefined when it has none. */
  offer(orgId: string): Promise<X402Offer | undefined>
  /** Every enabled offer, by org id: what a request without a key may pay. */
  offers(): Promise<X402Offer[]>
  /**
   * Creates or replaces the org's offer. `pay_to_taken` when another org's offer already names the
   * same pay-to address on the same chain: a payment must lead to exactly one org.
   */
  putOffer(offer: X402Offer): Promise<'ok' | 'pay_to_taken'>
  /** False when the org had no offer. */
  deleteOffer(orgId: string): Promise<boolean>
  /**
   * Reserves a payment before settlement (state `settling`). False when the same authorization
   * (chain, token, payer, nonce) was reserved before, in any state: a replay.
   */
  reservePayment(payment: NewPayment): Promise<boolean>
  /** The facilitator settled it: state `settled`, with the transaction. */
  settlePayment(key: PaymentKey, receipt: { transaction: string; at: number }): Promise<void>
  /** Settlement failed in a way a retry may fix: the reservation goes, the payment can be sent again. */
  releasePayment(key: PaymentKey): Promise<void>
  /** Settlement was refused for good (the nonce was used on chain): state `refused`, kept. */
  refusePayment(key: PaymentKey, reason: string, at: number): Promise<void>
  /** The org's payments, newest reservation first, at most `limit`, before `before` (Unix ms) if given. */
  payments(orgId: string, page: { limit: number; before?: number }): Promise<PaymentRecord[]>
}

/** What an org charges for one log, and who settles the payment. Addresses in EIP-55 form. */
export interface X402Offer {
  orgId: string
  enabled: boolean
  chainId: number
  payTo: string
  /** The token contract (EIP-712 `verifyingContract`). */
  asset: string
  /** The token's EIP-712 domain name, e.g. `USD Coin`. */
  assetName: string
  /** The token's EIP-712 domain version, e.g. `2`. */
  assetVersion: string
  /** Atomic units of the token, decimal (USDC has 6 decimals: `1000` is $0.001). */
  price: string
  facilitatorUrl: string
  /** The URL clients are told they pay for; null: `AGENTTRAIL_PUBLIC_URL` + `/api/v1/agent-log`. */
  resourceUrl: string | null
  description: string
  maxTimeoutSeconds: number
  /** Unix ms. */
  updatedAt: number
}

/** One authorization: the nonce is the payer's, per token and chain (EIP-3009). */
export interface PaymentKey {
  orgId: string
  chainId: number
  /** EIP-55. */
  asset: string
  /** EIP-55. */
  payer: string
  /** 32 bytes, lower-case `0x` hex. */
  nonce: string
}

export interface NewPayment extends PaymentKey {
  payTo: string
  amount: string
  /** Unix seconds: after this the authorization cannot move money. */
  validBefore: number
  /** The id the paid event is stored under. */
  eventId: string
  x402Version: number
  /** Unix ms. */
  reservedAt: number
}

export type PaymentState = 'settling' | 'settled' | 'refused'

export interface PaymentRecord {
  chain_id: number
  asset: string
  payer: string
  nonce: string
  pay_to: string
  amount: string
  state: PaymentState
  event_id: string
  transaction: string | null
  reason: string | null
  x402_version: number
  valid_before: number
  /** ISO 8601. */
  reserved_at: string
  /** ISO 8601; null until settled or refused. */
  decided_at: string | null
}
