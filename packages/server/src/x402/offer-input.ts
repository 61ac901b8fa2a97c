import { z } from 'zod'
import type { X402Offer } from '../store/x402-store.js'
import { checksumAddress, isEvmAddress } from './evm-address.js'
import { caipNetwork, chainIdOf, defaultAsset } from './networks.js'

const address = (what: string) =>
  z.string().refine(isEvmAddress, `${what} must be a 0x address (40 hex digits)`)

const httpUrl = z
  .string()
  .max(2_048)
  .refine((s) => /^https?:\/\//.test(s) && URL.canParse(s), 'must be an http:// or https:// URL')

/** What an admin sends to turn paid logs on for the org (`PUT /api/v1/org/x402`). */
export const X402OfferInputSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Default true; false keeps the offer but takes no payments.'),
    network: z
      .string()
      .refine(
        (s) => chainIdOf(s) !== undefined,
        'must be eip155:<chain id> or a known x402 v1 name such as base',
      )
      .describe(
        '`eip155:8453` (Base), `eip155:84532` (Base Sepolia), any `eip155:<id>`, or a v1 name such as `base`.',
      ),
    pay_to: address('pay_to').describe('The address paid: the `to` of every authorization.'),
    price: z
      .string()
      .regex(
        /^[1-9][0-9]{0,29}$/,
        'must be a whole number of atomic units, at least 1, as a string',
      )
      .describe('Atomic units of the asset per log: USDC has 6 decimals, so "1000" is $0.001.'),
    asset: address('asset')
      .optional()
      .describe('The token contract. Default: USDC on Base and Base Sepolia.'),
    asset_name: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "The token's EIP-712 domain name (USDC on Base: `USD Coin`; on Base Sepolia: `USDC`).",
      ),
    asset_version: z
      .string()
      .min(1)
      .max(32)
      .optional()
      .describe("The token's EIP-712 domain version (USDC: `2`)."),
    facilitator_url: httpUrl.describe(
      'The facilitator that settles payments (`POST <url>/settle`). No default. https, or http to an address allowed by AGENTTRAIL_OUTBOUND_ALLOW.',
    ),
    resource_url: httpUrl
      .optional()
      .describe(
        'The URL payers are told they pay for. Default: AGENTTRAIL_PUBLIC_URL + /api/v1/agent-log.',
      ),
    description: z.string().min(1).max(256).default('Ingest one AI agent audit log entry'),
    max_timeout_seconds: z
      .number()
      .int()
      .min(10)
      .max(3_600)
      .default(60)
      .describe('How long a signed payment may stay valid. Default 60.'),
  })
  .meta({ id: 'X402OfferInput' })

export type X402OfferInput = z.infer<typeof X402OfferInputSchema>

/**
 * The stored offer for an input, or the field that is missing: a token other than the known USDC
 * deployments must be named with its EIP-712 name and version (a wrong one makes every signature
 * fail, so nothing is guessed).
 */
export function offerFromInput(
  orgId: string,
  input: X402OfferInput,
  now: number,
): { ok: true; offer: X402Offer } | { ok: false; path: string; message: string } {
  const chainId = chainIdOf(input.network) as number
  const known = defaultAsset(chainId)
  const sameAsKnown =
    input.asset === undefined ||
    (known !== undefined && checksumAddress(input.asset) === known.address)
  const asset = input.asset ?? known?.address
  if (asset === undefined)
    return {
      ok: false,
      path: 'asset',
      message: `is required on ${caipNetwork(chainId)}: no default token there`,
    }
  const assetName = input.asset_name ?? (sameAsKnown ? known?.name : undefined)
  const assetVersion = input.asset_version ?? (sameAsKnown ? known?.version : undefined)
  if (assetName === undefined)
    return {
      ok: false,
      path: 'asset_name',
      message: 'is required for this token: its EIP-712 domain name',
    }
  if (assetVersion === undefined)
    return {
      ok: false,
      path: 'asset_version',
      message: 'is required for this token: its EIP-712 domain version',
    }
  return {
    ok: true,
    offer: {
      orgId,
      enabled: input.enabled,
      chainId,
      payTo: checksumAddress(input.pay_to),
      asset: checksumAddress(asset),
      assetName,
      assetVersion,
      price: input.price,
      facilitatorUrl: input.facilitator_url.replace(/\/+$/, ''),
      resourceUrl: input.resource_url ?? null,
      description: input.description,
      maxTimeoutSeconds: input.max_timeout_seconds,
      updatedAt: now,
    },
  }
}

/** The offer as the admin API shows it. */
export function offerView(offer: X402Offer, resource: string | null) {
  return {
    enabled: offer.enabled,
    network: caipNetwork(offer.chainId),
    pay_to: offer.payTo,
    price: offer.price,
    asset: offer.asset,
    asset_name: offer.assetName,
    asset_version: offer.assetVersion,
    facilitator_url: offer.facilitatorUrl,
    resource_url: resource,
    description: offer.description,
    max_timeout_seconds: offer.maxTimeoutSeconds,
    updated_at: new Date(offer.updatedAt).toISOString(),
  }
}

/** `offerView`'s shape, for the OpenAPI document. */
export const X402OfferSchema = z
  .object({
    enabled: z.boolean(),
    network: z.string().describe('CAIP-2.'),
    pay_to: z.string(),
    price: z.string(),
    asset: z.string(),
    asset_name: z.string(),
    asset_version: z.string(),
    facilitator_url: z.string(),
    resource_url: z
      .string()
      .nullable()
      .describe(
        'null: neither resource_url nor AGENTTRAIL_PUBLIC_URL is set, so the offer is not shown.',
      ),
    description: z.string(),
    max_timeout_seconds: z.number(),
    updated_at: z.string(),
  })
  .meta({ id: 'X402Offer' })
