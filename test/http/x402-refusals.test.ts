import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { startFacilitatorDouble } from '../helpers/facilitator-double.js'
import type { FacilitatorDouble } from '../helpers/facilitator-double.js'
import { asHeader, fromHeader, signPayment } from '../helpers/x402-payments.js'
import type { PaymentShape } from '../helpers/x402-payments.js'
import {
  PAID_LOG,
  PAY_TO,
  PUBLIC_URL,
  offerBody,
  storedLogs,
  x402Env,
} from '../helpers/x402-setup.js'

const OTHER = '0x1111111111111111111111111111111111111111'
/** The order of secp256k1: `n - s` is the high-s twin of a signature (EIP-2). */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/**
 * Every way a paid log is refused: each answers 400 or 402 with a reason, and leaves the trail,
 * the facilitator and the ledger as they were (`nothingHappened`). In memory, so every answer is
 * checked against the route's declared responses.
 */
describe.each(DIALECTS)('x402 refusals (%s)', (dialect) => {
  let t: TestApp
  let facilitator: FacilitatorDouble
  let before: { logs: number; settles: number; payments: number }
  const account = privateKeyToAccount(generatePrivateKey())

  beforeAll(async () => {
    facilitator = await startFacilitatorDouble()
    t = await createTestApp(x402Env(), dialect)
    const res = await t.json('PUT', '/api/v1/org/x402', {
      key: t.adminKey,
      body: offerBody(facilitator.url),
    })
    expect(res.status).toBe(200)
  })
  afterAll(async () => {
    await t?.close()
    await facilitator?.close()
  })
  const payments = async () =>
    (await t.json('GET', '/api/v1/org/x402/payments', { key: t.adminKey })).body.payments as Array<
      Record<string, any>
    >
  const snapshot = async () => ({
    logs: (await storedLogs(t, t.adminKey)).length,
    settles: facilitator.settles().length,
    payments: (await payments()).length,
  })
  beforeEach(async () => {
    facilitator.mode = 'success'
    before = await snapshot()
  })

  /** Nothing stored, nothing reserved; `asked`: the facilitator was asked this many times. */
  const nothingHappened = async (asked = 0) =>
    expect(await snapshot()).toEqual({ ...before, settles: before.settles + asked })
  const post = (headers: Record<string, string>, body: unknown = PAID_LOG) =>
    t.json('POST', '/api/v1/agent-log', { body, headers })
  const pay = async (
    shape: PaymentShape = {},
    edit?: (p: Record<string, any>) => void,
  ): Promise<Record<string, string>> => {
    const payment = await signPayment(account, PAY_TO, shape)
    edit?.(payment)
    return (shape.version ?? 1) === 1
      ? { 'x-payment': asHeader(payment) }
      : { 'payment-signature': asHeader(payment) }
  }
  const refused = async (
    headers: Record<string, string>,
    status: number,
    code: string,
    reason: string,
  ) => {
    const res = await post(headers)
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    expect(res.body).toMatchObject({ x402Version: 1, code, reason, accepts: [{ payTo: PAY_TO }] })
    expect(fromHeader(res.headers.get('payment-required'))).toMatchObject({ error: reason })
    return res
  }
  const now = () => BigInt(Math.floor(Date.now() / 1000))

  it('answers an unpaid POST 402 with the offers, whatever Host the client names', async () => {
    const res = await t.json('POST', '/api/v1/agent-log', {
      body: PAID_LOG,
      headers: { host: 'evil.example' },
    })
    expect(res.status).toBe(402)
    expect(res.body).toMatchObject({ code: 'payment_required' })
    expect(res.body.accepts[0].resource).toBe(`${PUBLIC_URL}/api/v1/agent-log`)
    expect(fromHeader(res.headers.get('payment-required')).resource.url).toBe(
      `${PUBLIC_URL}/api/v1/agent-log`,
    )
    await nothingHappened()
  })

  it('lets browsers of any origin ask before paying, and read the payment headers', async () => {
    const res = await t.request('OPTIONS', '/api/v1/agent-log', {
      headers: { origin: 'https://agent.example', 'access-control-request-method': 'POST' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toContain('X-PAYMENT')
    expect(res.headers.get('access-control-allow-headers')).toContain('PAYMENT-SIGNATURE')
    const refusal = await post({ 'x-payment': 'nope!' })
    expect(refusal.headers.get('access-control-allow-origin')).toBe('*')
    expect(refusal.headers.get('access-control-expose-headers')).toContain('PAYMENT-REQUIRED')
  })

  it('refuses an amount changed after signing, or signed at another price', async () => {
    const tampered = await pay({}, (p) => (p.payload.authorization.value = '1'))
    await refused(tampered, 402, 'payment_invalid', 'invalid_exact_evm_signature')
    for (const value of [999n, 1001n])
      await refused(
        await pay({ value }),
        402,
        'payment_invalid',
        'invalid_exact_evm_authorization_value',
      )
    const v2 = await pay({ version: 2 }, (p) => (p.accepted.amount = '1'))
    await refused(v2, 402, 'payment_invalid', 'invalid_exact_evm_authorization_value')
    await nothingHappened()
  })

  it('refuses a recipient changed after signing, or signed to another address', async () => {
    const tampered = await pay({}, (p) => (p.payload.authorization.to = OTHER))
    await refused(tampered, 402, 'payment_invalid', 'invalid_exact_evm_recipient_mismatch')
    await refused(
      await pay({ to: OTHER }),
      402,
      'payment_invalid',
      'invalid_exact_evm_recipient_mismatch',
    )
    const v2 = await pay({ version: 2 }, (p) => (p.accepted.payTo = OTHER))
    await refused(v2, 402, 'payment_invalid', 'invalid_exact_evm_recipient_mismatch')
    await nothingHappened()
  })

  it('refuses another chain or token, signed or named', async () => {
    const reason = 'invalid_exact_evm_signature'
    await refused(await pay({ chainId: 84532 }), 402, 'payment_invalid', reason)
    await refused(await pay({ asset: OTHER }), 402, 'payment_invalid', reason)
    const network = 'invalid_exact_evm_network_mismatch'
    await refused(
      await pay({ network: 'base-sepolia', chainId: 84532 }),
      402,
      'payment_invalid',
      network,
    )
    await refused(await pay({ version: 2, network: 'eip155:1' }), 402, 'payment_invalid', network)
    await refused(await pay({ network: 'solana' }), 402, 'payment_invalid', network)
    const asset = await pay({ version: 2 }, (p) => (p.accepted.asset = OTHER))
    await refused(asset, 402, 'payment_invalid', 'invalid_exact_evm_asset_mismatch')
    await nothingHappened()
  })

  it("refuses a signature over another token domain name or version (Base Sepolia's USDC)", async () => {
    await refused(
      await pay({ tokenName: 'USDC' }),
      402,
      'payment_invalid',
      'invalid_exact_evm_signature',
    )
    await refused(
      await pay({ tokenVersion: '1' }),
      402,
      'payment_invalid',
      'invalid_exact_evm_signature',
    )
    await nothingHappened()
  })

  it('refuses expired, expiring, too long-lived and future windows, by server time', async () => {
    const before = 'invalid_exact_evm_payload_authorization_valid_before'
    await refused(await pay({ validBefore: now() - 10n }), 402, 'payment_invalid', before)
    await refused(await pay({ validBefore: now() + 3n }), 402, 'payment_invalid', before)
    await refused(await pay({ validBefore: now() + 3_600n }), 402, 'payment_invalid', before)
    const after = 'invalid_exact_evm_payload_authorization_valid_after'
    await refused(await pay({ validAfter: now() + 60n }), 402, 'payment_invalid', after)
    await nothingHappened()
  })

  it('refuses high-s, short, long and odd signatures', async () => {
    const highS = await pay({}, (p) => {
      const sig: string = p.payload.signature
      const s = N - BigInt(`0x${sig.slice(66, 130)}`)
      const v = Number.parseInt(sig.slice(130), 16) === 27 ? '1c' : '1b'
      p.payload.signature = `${sig.slice(0, 66)}${s.toString(16).padStart(64, '0')}${v}`
    })
    const res = await refused(highS, 402, 'payment_invalid', 'invalid_exact_evm_signature')
    expect(res.body.error).toMatch(/high s/)
    const edits: Array<(sig: string) => string> = [
      (sig) => sig.slice(0, 130),
      (sig) => `${sig}00`,
      (sig) => `${sig.slice(0, 130)}1d`,
      (sig) => `${sig.slice(0, 130)}zz`,
      () => '0x',
    ]
    for (const edit of edits) {
      const headers = await pay({}, (p) => (p.payload.signature = edit(p.payload.signature)))
      await refused(headers, 402, 'payment_invalid', 'invalid_exact_evm_signature')
    }
    await nothingHappened()
  })

  it('answers 400 to payment headers that cannot be read, never 500', async () => {
    const good = await signPayment(account, PAY_TO)
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'x-payment': 'not base64!' }, 'invalid_payload'],
      [{ 'x-payment': Buffer.from('hello').toString('base64') }, 'invalid_payload'],
      [{ 'x-payment': asHeader([good]) }, 'invalid_payload'],
      [{ 'x-payment': asHeader(null) }, 'invalid_payload'],
      [{ 'x-payment': 'A'.repeat(9_000) }, 'invalid_payload'],
      [{ 'x-payment': asHeader({ ...good, x402Version: 2 }) }, 'invalid_x402_version'],
      [{ 'payment-signature': asHeader(good) }, 'invalid_x402_version'],
      [{ 'x-payment': asHeader({ ...good, payload: { signature: '0x' } }) }, 'invalid_payload'],
      [
        {
          'x-payment': asHeader({
            ...good,
            payload: {
              ...good.payload,
              authorization: { ...good.payload.authorization, value: '-1' },
            },
          }),
        },
        'invalid_payload',
      ],
      [
        {
          'x-payment': asHeader({
            ...good,
            payload: {
              ...good.payload,
              authorization: { ...good.payload.authorization, nonce: '0x12' },
            },
          }),
        },
        'invalid_payload',
      ],
      [
        {
          'x-payment': asHeader({
            ...good,
            payload: {
              ...good.payload,
              authorization: { ...good.payload.authorization, value: `0x1${'0'.repeat(64)}` },
            },
          }),
        },
        'invalid_payload',
      ],
      [{ 'x-payment': asHeader(good), 'payment-signature': asHeader(good) }, 'invalid_payload'],
    ]
    for (const [headers, reason] of cases) {
      const res = await refused(headers, 400, 'payment_malformed', reason)
      expect(res.body.error.length).toBeGreaterThan(10)
    }
    await nothingHappened()
  })

  it('stores nothing when the facilitator refuses, and takes the same payment once it can settle', async () => {
    const headers = await pay()
    facilitator.mode = 'insufficient_funds'
    const res = await refused(headers, 402, 'payment_failed', 'insufficient_funds')
    expect(res.body.error).toMatch(/nothing was stored/)
    await nothingHappened(1)
    // The reservation was given back: the payment was never used, so it may be sent again.
    facilitator.mode = 'success'
    expect((await post(headers)).status).toBe(201)
  })

  it("takes a v1 payment that names the network as Logwick's page does (eip155:8453)", async () => {
    const res = await post(await pay({ network: 'eip155:8453' }))
    expect(res.status).toBe(201)
    const settled = facilitator.settles().at(-1)?.body
    // The v1 facilitators know only v1 names: the payment is forwarded with the offer's.
    expect(settled?.paymentPayload.network).toBe('base')
    expect(settled?.paymentRequirements.network).toBe('base')
  })

  it('reads a long settlement answer to its end', async () => {
    facilitator.mode = 'verbose'
    const res = await post(await pay({ version: 2 }))
    expect(res.status).toBe(201)
    expect(res.body.payment.transaction).toBe(facilitator.transactions.at(-1))
  })

  it('stores nothing when the facilitator fails with a 500', async () => {
    facilitator.mode = 'error'
    await refused(await pay(), 402, 'payment_failed', 'unexpected_settle_error')
    await nothingHappened(1)
  })

  it('stores nothing when the facilitator hangs past the timeout', async () => {
    // A second server, on a store of its own, that waits 300 ms for the same facilitator.
    const impatient = await createTestApp(x402Env(300), dialect)
    try {
      const offer = await impatient.json('PUT', '/api/v1/org/x402', {
        key: impatient.adminKey,
        body: offerBody(facilitator.url),
      })
      expect(offer.status).toBe(200)
      facilitator.mode = 'hang'
      const settles = facilitator.settles().length
      const res = await impatient.json('POST', '/api/v1/agent-log', {
        body: PAID_LOG,
        headers: await pay({ version: 2 }),
      })
      expect(res.status).toBe(402)
      expect(res.body).toMatchObject({ code: 'payment_failed', reason: 'settlement_timeout' })
      expect(res.body.error).toMatch(/within 300 ms/)
      expect(facilitator.settles().length).toBe(settles + 1)
      expect(await storedLogs(impatient, impatient.adminKey)).toEqual([])
      const ledger = await impatient.json('GET', '/api/v1/org/x402/payments', {
        key: impatient.adminKey,
      })
      expect(ledger.body.payments).toEqual([])
    } finally {
      await impatient.close()
    }
  })

  it('stores nothing when the facilitator claims success without a transaction, or for another payer, network or amount', async () => {
    const modes = ['no_transaction', 'other_payer', 'other_network', 'other_amount'] as const
    for (const mode of modes) {
      facilitator.mode = mode
      const headers = await pay({ version: mode === 'other_amount' ? 2 : 1 })
      const res = await refused(headers, 402, 'payment_failed', 'unexpected_settle_error')
      expect(res.body.error, mode).toMatch(/nothing was stored/)
    }
    await nothingHappened(modes.length)
  })

  it('sends the facilitator only the authorization it verified, whatever else the client added', async () => {
    const v1 = await signPayment(account, PAY_TO)
    const v2 = await signPayment(account, PAY_TO, { version: 2 })
    for (const payment of [v1, v2]) {
      const signed = structuredClone(payment.payload)
      // Keys this server does not read: a facilitator would settle a Permit2 authorization
      // instead of the EIP-3009 one verified here, and honour extensions it was never offered.
      payment.payload.permit2Authorization = { from: OTHER, permitted: { amount: '1000' } }
      payment.payload.authorization.value = '0x3e8'
      payment.extensions = { eip2612GasSponsoring: { info: { from: OTHER } } }
      if (payment.x402Version === 2) payment.accepted.extra = { name: 'Other', version: '9' }
      const header = payment.x402Version === 1 ? 'x-payment' : 'payment-signature'
      const res = await post({ [header]: asHeader(payment) })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      const sent = facilitator.settles().at(-1)?.body
      expect(sent?.paymentPayload.payload).toEqual(signed)
      expect(sent?.paymentPayload.extensions).toBeUndefined()
      if (payment.x402Version === 2)
        expect(sent?.paymentPayload.accepted).toEqual(sent?.paymentRequirements)
      else
        expect(Object.keys(sent?.paymentPayload ?? {}).sort()).toEqual([
          'network',
          'payload',
          'scheme',
          'x402Version',
        ])
    }
  })

  it('keeps a payment the chain already used, and refuses it again without asking', async () => {
    const headers = await pay()
    facilitator.mode = 'nonce_used'
    await refused(headers, 402, 'payment_failed', 'invalid_exact_evm_nonce_already_used')
    facilitator.mode = 'success'
    await refused(headers, 402, 'payment_invalid', 'invalid_exact_evm_nonce_already_used')
    expect(facilitator.settles().length).toBe(before.settles + 1)
    expect((await storedLogs(t, t.adminKey)).length).toBe(before.logs)
    const [kept] = await payments()
    expect(kept).toMatchObject({ state: 'refused', reason: 'invalid_exact_evm_nonce_already_used' })
  })

  it('refuses a log without its required fields before the payment is used', async () => {
    const headers = await pay()
    const res = await post(headers, { action: 'email_draft' })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      error: 'agent is required',
      code: 'validation_failed',
      details: [{ path: 'agent', message: 'is required' }],
    })
    const typed = await post(headers, { ...PAID_LOG, tokens: 'many' })
    expect(typed.status).toBe(400)
    expect(typed.body.details[0].path).toBe('tokens')
    const withId = await post(headers, { ...PAID_LOG, id: '01890000-0000-7000-8000-000000000001' })
    expect(withId.status).toBe(400)
    await nothingHappened()
    expect((await post(headers)).status).toBe(201)
  })

  it('refuses at the plan limit before settling, so nobody pays for a log that is not kept', async () => {
    // One place left this month.
    await t.setPlan({ logs_per_month: before.logs + 1 })
    try {
      const first = await post(await pay())
      expect(first.status).toBe(201)
      before = await snapshot()
      const res = await post(await pay())
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('plan_limit_exceeded')
      await nothingHappened()
    } finally {
      await t.setPlan({ logs_per_month: null })
    }
  })

  it("leaves the org's keys their requests per minute, however many payments fail to settle", async () => {
    await t.setPlan({ requests_per_minute: 2 })
    try {
      // Anyone can sign a payment from an empty wallet: each costs the paid path a request.
      facilitator.mode = 'insufficient_funds'
      for (let i = 0; i < 2; i++)
        await refused(await pay(), 402, 'payment_failed', 'insufficient_funds')
      const spent = await post(await pay())
      expect(spent.status).toBe(429)
      // The org's own ingest, with its key, draws on requests of its own.
      const keyed = await t.json('POST', '/api/v1/logs', { key: t.adminKey, body: PAID_LOG })
      expect(keyed.status, JSON.stringify(keyed.body)).toBe(201)
    } finally {
      await t.setPlan({ requests_per_minute: null })
    }
  })

  it('redacts a paid log like any other, and keeps the payment facts the server wrote', async () => {
    const forged = { transaction: `0x${'00'.repeat(32)}`, payer: OTHER }
    const res = await post(await pay(), {
      ...PAID_LOG,
      input: 'use sk-proj-Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1 to send it',
      metadata: { x402: forged, team: 'ops' },
    })
    expect(res.status).toBe(201)
    const stored = await t.json('GET', `/api/v1/events/${res.body.id}`, { key: t.adminKey })
    expect(stored.body.input).not.toContain('sk-proj-Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1')
    expect(stored.body.metadata).toMatchObject({
      team: 'ops',
      x402: { payer: account.address, transaction: facilitator.transactions.at(-1) },
    })
  })

  it('takes ?org= to name the org, and answers 404 for an org without an offer', async () => {
    expect((await t.json('GET', '/api/v1/agent-log?org=org-a')).status).toBe(402)
    const none = await t.json('GET', '/api/v1/agent-log?org=org-b')
    expect(none).toMatchObject({ status: 404, body: { code: 'not_found' } })
    const res = await t.json('POST', '/api/v1/agent-log?org=org-b', {
      body: PAID_LOG,
      headers: await pay(),
    })
    expect(res.status).toBe(404)
    await nothingHappened()
  })
})
