import { describe, expect, it } from 'vitest'
import { decodePaymentHeader, encodeHeader } from './payment-header.js'
import { caipNetwork, chainIdOf, defaultAsset, v1Network } from './networks.js'

const authorization = {
  from: '0x857b06519e91e3a54538791bdbb0e22373e36b66',
  to: '0x209693Bc6afc0C5328bA36FaF03C514EF312287C',
  value: '0x3e8',
  validAfter: '1740672089',
  validBefore: '1740672154',
  nonce: `0x${'F3'.repeat(32)}`,
}
const v1 = {
  x402Version: 1,
  scheme: 'exact',
  network: 'base',
  payload: { signature: `0x${'11'.repeat(65)}`, authorization },
}

describe('payment headers', () => {
  it('reads a v1 payment: hex and decimal numbers, addresses in EIP-55, the nonce in lower case', () => {
    const result = decodePaymentHeader(encodeHeader(v1), 1)
    expect(result).toEqual({
      ok: true,
      payment: {
        version: 1,
        scheme: 'exact',
        network: 'base',
        authorization: {
          from: '0x857b06519E91e3A54538791bDbb0E22373e36b66',
          to: authorization.to,
          value: 1000n,
          validAfter: 1_740_672_089n,
          validBefore: 1_740_672_154n,
          nonce: `0x${'f3'.repeat(32)}`,
        },
        signature: v1.payload.signature,
      },
    })
  })

  it('reads what a v2 payment says it accepted', () => {
    const v2 = {
      x402Version: 2,
      accepted: {
        scheme: 'exact',
        network: 'eip155:8453',
        amount: '1000',
        asset: '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913',
        payTo: authorization.to,
        maxTimeoutSeconds: 60,
      },
      payload: v1.payload,
      resource: { url: 'https://logs.example.com/api/v1/agent-log' },
    }
    const result = decodePaymentHeader(encodeHeader(v2), 2)
    expect(result.ok && result.payment).toMatchObject({
      version: 2,
      network: 'eip155:8453',
      accepted: {
        asset: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
        payTo: authorization.to,
        amount: 1000n,
      },
    })
  })

  it('names what is wrong with a header that cannot be read, and never throws', () => {
    const cases: Array<[string, 1 | 2, string]> = [
      ['', 1, 'standard base64'],
      ['a-b_c', 1, 'standard base64'],
      ['A'.repeat(8_193), 1, 'longer than 8192'],
      [Buffer.from('{').toString('base64'), 1, 'not base64 of JSON'],
      [encodeHeader('text'), 1, 'JSON object'],
      [encodeHeader(v1), 2, 'must carry x402Version 2 (version 1 goes in X-PAYMENT)'],
      [encodeHeader({ ...v1, payload: {} }), 1, 'payload.signature'],
      [
        encodeHeader({
          ...v1,
          payload: { ...v1.payload, authorization: { ...authorization, to: '0x12' } },
        }),
        1,
        'payload.authorization.to',
      ],
      [
        encodeHeader({
          ...v1,
          payload: { ...v1.payload, authorization: { ...authorization, value: '1e3' } },
        }),
        1,
        'payload.authorization.value',
      ],
      [
        encodeHeader({
          ...v1,
          payload: { ...v1.payload, authorization: { ...authorization, value: `${2n ** 256n}` } },
        }),
        1,
        'fit in 256 bits',
      ],
    ]
    for (const [header, version, words] of cases) {
      const result = decodePaymentHeader(header, version)
      expect(result.ok, header.slice(0, 40)).toBe(false)
      expect(!result.ok && result.problem).toContain(words)
    }
  })
})

describe('networks', () => {
  it('reads CAIP-2 ids and v1 names, and writes each version its own way', () => {
    expect(chainIdOf('eip155:8453')).toBe(8453)
    expect(chainIdOf('base')).toBe(8453)
    expect(chainIdOf('base-sepolia')).toBe(84532)
    for (const bad of ['eip155:0', 'eip155:08453', 'solana:mainnet', 'toString', 'eip155:1e3'])
      expect(chainIdOf(bad), bad).toBeUndefined()
    expect([v1Network(8453), v1Network(84532), v1Network(10)]).toEqual([
      'base',
      'base-sepolia',
      'eip155:10',
    ])
    expect(caipNetwork(8453)).toBe('eip155:8453')
    expect(defaultAsset(84532)?.name).toBe('USDC')
    expect(defaultAsset(10)).toBeUndefined()
  })
})
