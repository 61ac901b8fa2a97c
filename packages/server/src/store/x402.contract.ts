import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from './store.js'
import type { NewPayment, X402Offer } from './x402-store.js'

const PAY_TO = '0x209693Bc6afc0C5328bA36FaF03C514EF312287C'
const USDC = '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913'
const PAYER = '0x857b06519E91e3A54538791bDbb0E22373e36b66'

/** What every store must do with x402 offers and the payment ledger (store/x402-store.ts). */
export function describeX402Contract(name: string, open: () => Promise<Store> | Store): void {
  describe(`store contract: ${name}: x402`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(() => store.close())

    const offer = (orgId: string, more: Partial<X402Offer> = {}): X402Offer => ({
      orgId,
      enabled: true,
      chainId: 8453,
      payTo: PAY_TO,
      asset: USDC,
      assetName: 'USD Coin',
      assetVersion: '2',
      price: '1000',
      facilitatorUrl: 'https://facilitator.example/x402',
      resourceUrl: null,
      description: 'one log',
      maxTimeoutSeconds: 60,
      updatedAt: Date.UTC(2026, 4, 1),
      ...more,
    })
    const payment = (more: Partial<NewPayment> = {}): NewPayment => ({
      orgId: 'org-a',
      chainId: 8453,
      asset: USDC,
      payer: PAYER,
      nonce: `0x${'ab'.repeat(32)}`,
      payTo: PAY_TO,
      amount: '1000',
      validBefore: 1_800_000_000,
      eventId: '01890000-0000-7000-8000-000000000001',
      x402Version: 1,
      reservedAt: Date.UTC(2026, 4, 1, 12),
      ...more,
    })

    it('stores, replaces, lists and deletes an org offer', async () => {
      expect(await store.x402.offer('org-a')).toBeUndefined()
      expect(await store.x402.putOffer(offer('org-a'))).toBe('ok')
      expect(await store.x402.offer('org-a')).toEqual(offer('org-a'))
      expect(await store.x402.putOffer(offer('org-a', { price: '2000', enabled: false }))).toBe(
        'ok',
      )
      expect(await store.x402.offer('org-a')).toMatchObject({ price: '2000', enabled: false })
      // Only enabled offers are offered to callers without a key.
      expect(await store.x402.offers()).toEqual([])
      await store.x402.putOffer(offer('org-a', { resourceUrl: 'https://logs.example/agent-log' }))
      expect((await store.x402.offers()).map((o) => [o.orgId, o.resourceUrl])).toEqual([
        ['org-a', 'https://logs.example/agent-log'],
      ])
      expect(await store.x402.deleteOffer('org-a')).toBe(true)
      expect(await store.x402.deleteOffer('org-a')).toBe(false)
      expect(await store.x402.offer('org-a')).toBeUndefined()
    })

    it('holds a pay-to address on a chain to one org', async () => {
      expect(await store.x402.putOffer(offer('org-a'))).toBe('ok')
      expect(await store.x402.putOffer(offer('org-b'))).toBe('pay_to_taken')
      expect(await store.x402.offer('org-b')).toBeUndefined()
      // The same address on another chain is another account.
      expect(await store.x402.putOffer(offer('org-b', { chainId: 84532 }))).toBe('ok')
      expect((await store.x402.offers()).map((o) => o.orgId)).toEqual(['org-a', 'org-b'])
    })

    it('reserves an authorization once, concurrently too', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.x402.reservePayment(payment())),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
      // Another nonce, payer or token is another authorization.
      expect(await store.x402.reservePayment(payment({ nonce: `0x${'cd'.repeat(32)}` }))).toBe(true)
      expect(await store.x402.reservePayment(payment({ payer: PAY_TO }))).toBe(true)
      const [newest] = await store.x402.payments('org-a', { limit: 10 })
      expect(newest).toMatchObject({ state: 'settling', transaction: null, decided_at: null })
    })

    it('settles, releases and refuses reservations', async () => {
      const at = Date.UTC(2026, 4, 1, 12, 0, 1)
      const tx = `0x${'12'.repeat(32)}`
      const settled = payment()
      const released = payment({ nonce: `0x${'cd'.repeat(32)}`, reservedAt: at })
      const refused = payment({ nonce: `0x${'ef'.repeat(32)}`, reservedAt: at + 1 })
      for (const p of [settled, released, refused]) await store.x402.reservePayment(p)
      await store.x402.settlePayment(settled, { transaction: tx, at })
      await store.x402.releasePayment(released)
      await store.x402.refusePayment(refused, 'invalid_exact_evm_nonce_already_used', at)
      // A released authorization can be sent again; settled and refused ones cannot.
      expect(await store.x402.reservePayment(released)).toBe(true)
      expect(await store.x402.reservePayment(settled)).toBe(false)
      expect(await store.x402.reservePayment(refused)).toBe(false)
      // Releasing never drops a settled payment.
      await store.x402.releasePayment(settled)
      const rows = await store.x402.payments('org-a', { limit: 10 })
      expect(rows.map((r) => [r.nonce, r.state, r.transaction, r.reason])).toEqual([
        [refused.nonce, 'refused', null, 'invalid_exact_evm_nonce_already_used'],
        [released.nonce, 'settling', null, null],
        [settled.nonce, 'settled', tx, null],
      ])
      expect(rows[2]).toEqual({
        chain_id: 8453,
        asset: USDC,
        payer: PAYER,
        nonce: settled.nonce,
        pay_to: PAY_TO,
        amount: '1000',
        state: 'settled',
        event_id: settled.eventId,
        transaction: tx,
        reason: null,
        x402_version: 1,
        valid_before: 1_800_000_000,
        reserved_at: new Date(settled.reservedAt).toISOString(),
        decided_at: new Date(at).toISOString(),
      })
      // Pages go back in time, and another org sees none of it.
      expect(
        (await store.x402.payments('org-a', { limit: 10, before: at })).map((r) => r.nonce),
      ).toEqual([settled.nonce])
      expect(await store.x402.payments('org-b', { limit: 10 })).toEqual([])
    })
  })
}
