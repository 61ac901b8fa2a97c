import { describe, expect, it } from 'vitest'
import { getAddress, hashTypedData } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { authorizationDigest, recoverSigner } from './eip3009.js'
import type { TokenDomain, TransferAuthorization } from './eip3009.js'
import { checksumAddress } from './evm-address.js'

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
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

describe('EIP-3009 authorizations under EIP-712', () => {
  const account = privateKeyToAccount(generatePrivateKey())
  const domain: TokenDomain = {
    name: 'USD Coin',
    version: '2',
    chainId: 8453,
    verifyingContract: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
  }
  const auth: TransferAuthorization = {
    from: account.address,
    to: '0x209693Bc6afc0C5328bA36FaF03C514EF312287C',
    value: 1000n,
    validAfter: 1_740_672_089n,
    validBefore: 1_740_672_154n,
    nonce: `0x${'f3'.repeat(32)}`,
  }
  const typed = (d: TokenDomain, a: TransferAuthorization) => ({
    domain: { ...d, verifyingContract: d.verifyingContract as `0x${string}` },
    types: TYPES,
    primaryType: 'TransferWithAuthorization' as const,
    message: {
      ...a,
      from: a.from as `0x${string}`,
      to: a.to as `0x${string}`,
      nonce: a.nonce as `0x${string}`,
    },
  })
  const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString('hex')}`

  it("computes viem's digest byte for byte, and recovers the wallet that signed it", async () => {
    const digest = authorizationDigest(auth, domain)
    expect(hex(digest)).toBe(hashTypedData(typed(domain, auth)))
    const signature = await account.signTypedData(typed(domain, auth))
    expect(recoverSigner(digest, signature)).toEqual({ ok: true, address: account.address })
  })

  it('recovers someone else for any changed field, chain, token or domain name', async () => {
    const signature = await account.signTypedData(typed(domain, auth))
    const changed: Array<[TransferAuthorization, TokenDomain]> = [
      [{ ...auth, value: 1001n }, domain],
      [{ ...auth, to: account.address }, domain],
      [{ ...auth, validBefore: auth.validBefore + 1n }, domain],
      [{ ...auth, nonce: `0x${'f4'.repeat(32)}` }, domain],
      [auth, { ...domain, chainId: 84532 }],
      [auth, { ...domain, name: 'USDC' }],
      [auth, { ...domain, version: '1' }],
      [auth, { ...domain, verifyingContract: '0x036CbD53842c5426634e7929541eC2318f3dCF7e' }],
    ]
    for (const [a, d] of changed) {
      const result = recoverSigner(authorizationDigest(a, d), signature)
      expect(result.ok && result.address).not.toBe(account.address)
    }
  })

  it('refuses the high-s twin of a good signature, though it recovers the same key', async () => {
    const digest = authorizationDigest(auth, domain)
    const signature = await account.signTypedData(typed(domain, auth))
    const s = N - BigInt(`0x${signature.slice(66, 130)}`)
    const v = signature.endsWith('1b') ? '1c' : '1b'
    const twin = `${signature.slice(0, 66)}${s.toString(16).padStart(64, '0')}${v}`
    expect(recoverSigner(digest, twin)).toEqual({
      ok: false,
      problem: 'the signature has a high s value, which EIP-2 forbids',
    })
  })

  it('takes v as 27/28 or 0/1, and refuses other lengths, recovery bytes and text', async () => {
    const digest = authorizationDigest(auth, domain)
    const signature = await account.signTypedData(typed(domain, auth))
    const zeroBased = `${signature.slice(0, 130)}${signature.endsWith('1b') ? '00' : '01'}`
    expect(recoverSigner(digest, zeroBased)).toEqual({ ok: true, address: account.address })
    for (const bad of [signature.slice(0, 130), `${signature}00`, `${signature.slice(0, 130)}1d`])
      expect(recoverSigner(digest, bad).ok).toBe(false)
    expect(recoverSigner(digest, `0x${'00'.repeat(65)}`).ok).toBe(false)
    expect(recoverSigner(digest, 'not hex').ok).toBe(false)
  })

  it('spells addresses as EIP-55 does', () => {
    for (let i = 0; i < 20; i++) {
      const address = privateKeyToAccount(generatePrivateKey()).address
      expect(checksumAddress(address.toLowerCase())).toBe(getAddress(address))
      expect(checksumAddress(address.toUpperCase().replace('0X', '0x'))).toBe(address)
    }
  })
})
