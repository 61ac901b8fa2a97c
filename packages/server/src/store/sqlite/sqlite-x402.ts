import type Database from 'better-sqlite3'
import type { OfferRow, PaymentRow } from '../x402-rows.js'
import { OFFER_COLUMNS, offerValues, rowToOffer, rowToPayment } from '../x402-rows.js'
import type { NewPayment, PaymentKey, X402Offer } from '../x402-store.js'

const KEY = 'org_id = ? AND chain_id = ? AND asset = ? AND payer = ? AND nonce = ?'
const keyValues = (k: PaymentKey) => [k.orgId, k.chainId, k.asset, k.payer, k.nonce]

/** x402 offers and payments: reads on the main connection (`X402Store`, store/x402-store.ts). */
export function createSqliteX402Reads(db: Database.Database) {
  const offer = db.prepare<[string], OfferRow>('SELECT * FROM x402_offers WHERE org_id = ?')
  const offers = db.prepare<[], OfferRow>(
    'SELECT * FROM x402_offers WHERE enabled = 1 ORDER BY org_id',
  )
  const payments = db.prepare<[string, number, number], PaymentRow>(
    'SELECT * FROM x402_payments WHERE org_id = ? AND reserved_at < ? ORDER BY reserved_at DESC, nonce LIMIT ?',
  )
  return {
    offer: async (orgId: string) => {
      const row = offer.get(orgId)
      return row && rowToOffer(row)
    },
    offers: async () => offers.all().map(rowToOffer),
    payments: async (orgId: string, page: { limit: number; before?: number }) =>
      payments.all(orgId, page.before ?? Number.MAX_SAFE_INTEGER, page.limit).map(rowToPayment),
  }
}

/** x402 offers and payments: writes, composed into `createSqliteWrites` (the writer thread). */
export function createSqliteX402Writes(db: Database.Database) {
  const upsert = db.prepare(
    `INSERT INTO x402_offers (${OFFER_COLUMNS.join(', ')}) VALUES (${OFFER_COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (org_id) DO UPDATE SET ${OFFER_COLUMNS.slice(1)
       .map((c) => `${c} = excluded.${c}`)
       .join(', ')}`,
  )
  const takenBy = db.prepare<[number, string, string], { org_id: string }>(
    'SELECT org_id FROM x402_offers WHERE chain_id = ? AND pay_to = ? AND org_id <> ?',
  )
  const remove = db.prepare('DELETE FROM x402_offers WHERE org_id = ?')
  const reserve = db.prepare(
    `INSERT INTO x402_payments (org_id, chain_id, asset, payer, nonce, pay_to, amount, state, event_id,
       x402_version, valid_before, reserved_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'settling', ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  )
  const settle = db.prepare(
    `UPDATE x402_payments SET state = 'settled', tx_hash = ?, decided_at = ? WHERE ${KEY}`,
  )
  const release = db.prepare(`DELETE FROM x402_payments WHERE ${KEY} AND state = 'settling'`)
  const refuse = db.prepare(
    `UPDATE x402_payments SET state = 'refused', reason = ?, decided_at = ? WHERE ${KEY}`,
  )
  // The pay-to check and the write in one transaction: two orgs cannot both claim an address.
  const putOffer = db.transaction((offer: X402Offer): 'ok' | 'pay_to_taken' => {
    if (takenBy.get(offer.chainId, offer.payTo, offer.orgId)) return 'pay_to_taken'
    upsert.run(...offerValues(offer, (b) => (b ? 1 : 0)))
    return 'ok'
  })
  return {
    putX402Offer: (offer: X402Offer): 'ok' | 'pay_to_taken' => putOffer(offer),
    deleteX402Offer: (orgId: string): boolean => remove.run(orgId).changes === 1,
    reserveX402Payment: (p: NewPayment): boolean =>
      reserve.run(
        ...keyValues(p),
        p.payTo,
        p.amount,
        p.eventId,
        p.x402Version,
        p.validBefore,
        p.reservedAt,
      ).changes === 1,
    settleX402Payment: (key: PaymentKey, receipt: { transaction: string; at: number }): void => {
      settle.run(receipt.transaction, receipt.at, ...keyValues(key))
    },
    releaseX402Payment: (key: PaymentKey): void => {
      release.run(...keyValues(key))
    },
    refuseX402Payment: (key: PaymentKey, reason: string, at: number): void => {
      refuse.run(reason, at, ...keyValues(key))
    },
  }
}
