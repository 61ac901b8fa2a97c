import type pg from 'pg'
import type { OfferRow, PaymentRow } from '../x402-rows.js'
import { OFFER_COLUMNS, offerValues, rowToOffer, rowToPayment } from '../x402-rows.js'
import type { NewPayment, PaymentKey, X402Offer, X402Store } from '../x402-store.js'

const KEY = 'org_id = $1 AND chain_id = $2 AND asset = $3 AND payer = $4 AND nonce = $5'
const keyValues = (k: PaymentKey) => [k.orgId, k.chainId, k.asset, k.payer, k.nonce]

const UPSERT = `INSERT INTO x402_offers (${OFFER_COLUMNS.join(', ')})
  VALUES (${OFFER_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (org_id) DO UPDATE SET ${OFFER_COLUMNS.slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`

/** x402 offers and the payment ledger on PostgreSQL (`X402Store`, store/x402-store.ts). */
export function createPostgresX402(pool: pg.Pool): X402Store {
  return {
    async offer(orgId) {
      const { rows } = await pool.query<OfferRow>('SELECT * FROM x402_offers WHERE org_id = $1', [
        orgId,
      ])
      return rows[0] && rowToOffer(rows[0])
    },
    async offers() {
      const { rows } = await pool.query<OfferRow>(
        'SELECT * FROM x402_offers WHERE enabled ORDER BY org_id',
      )
      return rows.map(rowToOffer)
    },
    async putOffer(offer: X402Offer) {
      try {
        await pool.query(
          UPSERT,
          offerValues(offer, (b) => b),
        )
        return 'ok'
      } catch (error) {
        // The unique index on (chain_id, pay_to) decides between two orgs, in any server process.
        const { code, constraint } = error as { code?: string; constraint?: string }
        if (code === '23505' && constraint === 'x402_offers_pay_to') return 'pay_to_taken'
        throw error
      }
    },
    async deleteOffer(orgId) {
      const { rowCount } = await pool.query('DELETE FROM x402_offers WHERE org_id = $1', [orgId])
      return rowCount === 1
    },
    async reservePayment(p: NewPayment) {
      const { rowCount } = await pool.query(
        `INSERT INTO x402_payments (org_id, chain_id, asset, payer, nonce, pay_to, amount, state,
           event_id, x402_version, valid_before, reserved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'settling', $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
        [...keyValues(p), p.payTo, p.amount, p.eventId, p.x402Version, p.validBefore, p.reservedAt],
      )
      return rowCount === 1
    },
    async settlePayment(key, receipt) {
      await pool.query(
        `UPDATE x402_payments SET state = 'settled', tx_hash = $6, decided_at = $7 WHERE ${KEY}`,
        [...keyValues(key), receipt.transaction, receipt.at],
      )
    },
    async releasePayment(key) {
      await pool.query(`DELETE FROM x402_payments WHERE ${KEY} AND state = 'settling'`, [
        ...keyValues(key),
      ])
    },
    async refusePayment(key, reason, at) {
      await pool.query(
        `UPDATE x402_payments SET state = 'refused', reason = $6, decided_at = $7 WHERE ${KEY}`,
        [...keyValues(key), reason, at],
      )
    },
    async payments(orgId, page) {
      const { rows } = await pool.query<PaymentRow>(
        `SELECT * FROM x402_payments WHERE org_id = $1 AND reserved_at < $2
         ORDER BY reserved_at DESC, nonce LIMIT $3`,
        [orgId, page.before ?? Number.MAX_SAFE_INTEGER, page.limit],
      )
      return rows.map(rowToPayment)
    },
  }
}
