import type { Context } from 'hono'
import { eventFromLogwick } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { IngestService } from '../../../ingest/ingest-service.js'
import { offerFor } from '../../../x402/live-offers.js'
import { decodePaymentHeader } from '../../../x402/payment-header.js'
import type { ResolvedOffer } from '../../../x402/requirements.js'
import { verifyPayment } from '../../../x402/verify-payment.js'
import type { AppEnv } from '../../app-env.js'
import { clientAddress } from '../../ingest-request.js'
import { isPaymentError, setReceipt } from './payment-answers.js'
import { paymentError, settleBeforeAppend } from './settle-step.js'
import type { PaidLogDeps } from './settle-step.js'

/**
 * One paid log (`POST /api/v1/agent-log`): the payment header read and checked against the offer
 * it pays (docs/x402.md, "What happens, in order", steps 1 to 3), then the log through the ingest
 * pipeline with the settlement as its last step before the append, then the receipt. A refused
 * payment leaves as a `paymentError` for the route to answer with the offers.
 */
export async function takePaidLog(
  c: Context<AppEnv>,
  deps: PaidLogDeps & { ingest: IngestService },
  offers: ResolvedOffer[],
  body: unknown,
  text: string,
): Promise<Response> {
  const v1 = c.req.header('x-payment')
  const v2 = c.req.header('payment-signature')
  if (v1 === undefined && v2 === undefined)
    throw paymentError(
      'payment_required',
      'payment_required',
      'X-PAYMENT (x402 version 1) or PAYMENT-SIGNATURE (version 2) is required',
    )
  if (v1 !== undefined && v2 !== undefined)
    throw paymentError('payment_malformed', 'invalid_payload', 'send one payment header, not both')
  const version = v1 !== undefined ? 1 : 2
  const decoded = decodePaymentHeader((v1 ?? v2) as string, version)
  if (!decoded.ok) throw paymentError('payment_malformed', decoded.reason, decoded.problem)
  const { payment } = decoded
  const found = offerFor(offers, payment)
  if (!found.ok) throw paymentError('payment_invalid', found.reason, found.problem)
  const { offer } = found
  const verdict = verifyPayment(payment, offer, Math.floor(Date.now() / 1000))
  if (!verdict.ok) throw paymentError('payment_invalid', verdict.reason, verdict.problem)

  const mapped = eventFromLogwick(body)
  if (!mapped.ok)
    throw new AppError(
      'validation_failed',
      `${mapped.missing.join(' and ')} ${mapped.missing.length > 1 ? 'are' : 'is'} required`,
      mapped.missing.map((path) => ({ path, message: 'is required' })),
    )
  // A client id could name a stored event, which the append would keep instead: paid, not stored.
  if (mapped.event.id !== undefined)
    throw new AppError('validation_failed', 'id: a paid log gets its id from the server', [
      { path: 'id', message: 'a paid log gets its id from the server' },
    ])
  const settle = settleBeforeAppend(deps, offer, payment, verdict.payer)
  const ctx = { orgId: offer.orgId, ipAddress: clientAddress(c), rawBody: text, keyless: true }
  let receipt
  try {
    receipt = await deps.ingest.one(mapped.event, ctx, settle.step)
  } catch (error) {
    const paid = settle.paid()
    if (paid === undefined || isPaymentError(error)) throw error
    // Settled, then the store failed: the payer holds the receipt, the operator the ledger row.
    setReceipt(c, version, paid, offer)
    throw new AppError(
      'unavailable',
      'the payment settled (the receipt header names the transaction) but the log could not be stored; the org’s payment ledger keeps the payment',
    )
  }
  const paid = settle.paid()
  if (paid === undefined) throw new Error('a paid log was stored without its settlement')
  setReceipt(c, version, paid, offer)
  return c.json(
    {
      id: receipt.id,
      timestamp: new Date(receipt.event.ts).toISOString(),
      status: 'ingested' as const,
      payment: paid,
    },
    201,
  )
}
