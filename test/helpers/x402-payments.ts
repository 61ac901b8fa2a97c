import { randomBytes } from 'node:crypto'
import type { PrivateKeyAccount } from 'viem/accounts'

/** USDC on Base mainnet, as x402 names it (`@x402/evm` DEFAULT_ASSETS). */
export const BASE_USDC = {
  address: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
  name: 'USD Coin',
  version: '2',
} as const

const TYPES = {
  TransferWithAuthorization: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' },
    { name: 'validBefore', type: 'uint256' },
    { name: 'nonce', type: 'bytes32' },
  ],
} as const

/** What a hand-made payment may change from a good one. */
export interface PaymentShape {
  version?: 1 | 2
  network?: string
  to?: `0x${string}`
  value?: bigint
  validAfter?: bigint
  validBefore?: bigint
  chainId?: number
  asset?: `0x${string}`
  tokenName?: string
  tokenVersion?: string
  /** v2: what the payload says it accepted; default the good offer. */
  accepted?: Record<string, unknown>
}

/**
 * A payment signed by `account` with viem, the way the official x402 clients sign (EIP-712 over
 * an EIP-3009 authorization), with any field changed: for payments the official client would
 * never make (an old window, another chain or token name). Returns the decoded JSON.
 */
export async function signPayment(
  account: PrivateKeyAccount,
  payTo: `0x${string}`,
  shape: PaymentShape = {},
): Promise<Record<string, any>> {
  const now = BigInt(Math.floor(Date.now() / 1000))
  const version = shape.version ?? 1
  const authorization = {
    from: account.address,
    to: shape.to ?? payTo,
    value: shape.value ?? 1000n,
    validAfter: shape.validAfter ?? now - 600n,
    validBefore: shape.validBefore ?? now + 60n,
    nonce: `0x${randomBytes(32).toString('hex')}` as `0x${string}`,
  }
  const signature = await account.signTypedData({
    domain: {
      name: shape.tokenName ?? BASE_USDC.name,
      version: shape.tokenVersion ?? BASE_USDC.version,
      chainId: shape.chainId ?? 8453,
      verifyingContract: shape.asset ?? BASE_USDC.address,
    },
    types: TYPES,
    primaryType: 'TransferWithAuthorization',
    message: authorization,
  })
  const payload = {
    signature,
    authorization: {
      ...authorization,
      value: authorization.value.toString(),
      validAfter: authorization.validAfter.toString(),
      validBefore: authorization.validBefore.toString(),
    },
  }
  if (version === 1)
    return { x402Version: 1, scheme: 'exact', network: shape.network ?? 'base', payload }
  return {
    x402Version: 2,
    accepted: shape.accepted ?? {
      scheme: 'exact',
      network: shape.network ?? 'eip155:8453',
      amount: '1000',
      asset: BASE_USDC.address,
      payTo,
      maxTimeoutSeconds: 60,
      extra: { name: BASE_USDC.name, version: BASE_USDC.version },
    },
    payload,
  }
}

/** base64 of the JSON, as a payment header carries it. */
export function asHeader(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64')
}

/** A payment header's JSON. */
export function fromHeader(header: string | null): any {
  if (header === null) throw new Error('no header')
  return JSON.parse(Buffer.from(header, 'base64').toString('utf8'))
}
