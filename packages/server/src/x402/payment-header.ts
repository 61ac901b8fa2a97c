import { z } from 'zod'
import { checksumAddress } from './evm-address.js'
import type { TransferAuthorization } from './eip3009.js'

/** Longest payment header read, in characters; a real one is under 2,000 (v2 repeats the offer). */
export const MAX_PAYMENT_HEADER_CHARS = 8_192

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address')
/** A uint256 as x402 writes it: decimal, or hex after `0x` (scheme_exact_evm.md). */
const UINT = /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/
const uint256 = z.string().superRefine((s, ctx) => {
  // One check: zod runs later refinements after a failed regex, and BigInt throws on `1e3`.
  if (!UINT.test(s))
    ctx.addIssue({ code: 'custom', message: 'must be a decimal or 0x-hex integer' })
  else if (BigInt(s) >= 2n ** 256n)
    ctx.addIssue({ code: 'custom', message: 'must fit in 256 bits' })
})

const ExactEvmPayloadSchema = z.object({
  signature: z.string().max(4_096),
  authorization: z.object({
    from: address,
    to: address,
    value: uint256,
    validAfter: uint256,
    validBefore: uint256,
    nonce: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be 32 bytes of 0x hex'),
  }),
})

const short = z.string().min(1).max(128)

/** x402 version 1 (transports-v1/http.md): `X-PAYMENT`, the choice named by scheme and network. */
const PayloadV1Schema = z.looseObject({
  x402Version: z.literal(1),
  scheme: short,
  network: short,
  payload: ExactEvmPayloadSchema,
})

/** x402 version 2 (transports-v2/http.md): `PAYMENT-SIGNATURE`, the chosen offer echoed in `accepted`. */
const PayloadV2Schema = z.looseObject({
  x402Version: z.literal(2),
  accepted: z.looseObject({
    scheme: short,
    network: short,
    amount: uint256,
    asset: address,
    payTo: address,
  }),
  payload: ExactEvmPayloadSchema,
})

/** A payment as decoded and checked for form; nothing about it is verified yet. */
export interface DecodedPayment {
  version: 1 | 2
  scheme: string
  network: string
  /** Version 2: what the client says it accepted (asset, pay-to, amount), EIP-55 addresses. */
  accepted?: { asset: string; payTo: string; amount: bigint }
  authorization: TransferAuthorization
  signature: string
}

export type DecodeResult =
  | { ok: true; payment: DecodedPayment }
  | { ok: false; reason: 'invalid_payload' | 'invalid_x402_version'; problem: string }

/**
 * Reads a payment header: base64 of UTF-8 JSON, standard alphabet (`@x402/core`'s
 * `safeBase64Decode` and its `/^[A-Za-z0-9+/]*={0,2}$/` test), at most MAX_PAYMENT_HEADER_CHARS,
 * of the version its header names: `X-PAYMENT` carries version 1, `PAYMENT-SIGNATURE` version 2.
 */
export function decodePaymentHeader(header: string, version: 1 | 2): DecodeResult {
  const bad = (
    problem: string,
    reason: 'invalid_payload' | 'invalid_x402_version' = 'invalid_payload',
  ) => ({ ok: false, reason, problem }) as const
  const name = version === 1 ? 'X-PAYMENT' : 'PAYMENT-SIGNATURE'
  if (header.length > MAX_PAYMENT_HEADER_CHARS)
    return bad(`${name} is longer than ${MAX_PAYMENT_HEADER_CHARS} characters`)
  if (header === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(header))
    return bad(`${name} must be standard base64 of the payment's JSON`)
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(header, 'base64').toString('utf8'))
  } catch {
    return bad(`${name} is not base64 of JSON`)
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return bad(`${name} must hold a JSON object`)
  if ((json as { x402Version?: unknown }).x402Version !== version)
    return bad(
      `${name} must carry x402Version ${version} (version ${3 - version} goes in ${version === 1 ? 'PAYMENT-SIGNATURE' : 'X-PAYMENT'})`,
      'invalid_x402_version',
    )
  const parsed = version === 1 ? PayloadV1Schema.safeParse(json) : PayloadV2Schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.map(String).join('.') || 'payment'
    return bad(`${name}: ${issue ? `${where} ${issue.message}` : 'not a payment'}`)
  }
  const data = parsed.data
  const { authorization: a, signature } = data.payload
  const choice =
    data.x402Version === 1
      ? { scheme: data.scheme, network: data.network }
      : {
          scheme: data.accepted.scheme,
          network: data.accepted.network,
          accepted: {
            asset: checksumAddress(data.accepted.asset),
            payTo: checksumAddress(data.accepted.payTo),
            amount: BigInt(data.accepted.amount),
          },
        }
  return {
    ok: true,
    payment: {
      version,
      ...choice,
      authorization: {
        from: checksumAddress(a.from),
        to: checksumAddress(a.to),
        value: BigInt(a.value),
        validAfter: BigInt(a.validAfter),
        validBefore: BigInt(a.validBefore),
        nonce: a.nonce.toLowerCase(),
      },
      signature,
    },
  }
}

/** `base64(UTF-8(JSON))`, as every x402 header is written. */
export function encodeHeader(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64')
}
