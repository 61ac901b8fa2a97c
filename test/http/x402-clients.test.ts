import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { decodePaymentResponseHeader, wrapFetchWithPaymentFromConfig } from '@x402/fetch'
import { x402Client, x402HTTPClient } from '@x402/core/client'
import { ExactEvmScheme } from '@x402/evm'
import { ExactEvmSchemeV1 } from '@x402/evm/v1'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { DIALECTS } from '../helpers/test-app.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { startFacilitatorDouble } from '../helpers/facilitator-double.js'
import type { FacilitatorDouble } from '../helpers/facilitator-double.js'
import { fromHeader } from '../helpers/x402-payments.js'
import { PAID_LOG, PAY_TO, PUBLIC_URL, offerBody, x402Env } from '../helpers/x402-setup.js'

/**
 * Paid logs end to end with the official x402 clients from npm, signing with a throwaway key,
 * against the real server on 127.0.0.1 and a facilitator double on loopback: both protocol
 * versions, the stored event and the ledger, and replays.
 */
describe.each(DIALECTS)('x402 with the official clients (%s)', (dialect) => {
  let live: LiveServer
  let facilitator: FacilitatorDouble
  let admin: string
  const account = privateKeyToAccount(generatePrivateKey())
  const endpoint = () => `${live.url}/api/v1/agent-log`

  beforeAll(async () => {
    facilitator = await startFacilitatorDouble()
    live = await startLiveServer(dialect, x402Env())
    admin = await live.key('org-a', ['admin'])
    const res = await fetch(`${live.url}/api/v1/org/x402`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(offerBody(facilitator.url)),
    })
    expect(res.status).toBe(200)
  })
  afterAll(async () => {
    await live?.close()
    await facilitator?.close()
  })
  beforeEach(() => {
    facilitator.mode = 'success'
  })

  const api = async (path: string) =>
    (await fetch(`${live.url}${path}`, { headers: { authorization: `Bearer ${admin}` } })).json()
  const logs = async () =>
    ((await api('/api/v1/events?limit=200')).events as Array<Record<string, any>>).filter(
      (e) => e.kind !== 'audit',
    )
  const postLog = (headers: Record<string, string> = {}, body: unknown = PAID_LOG) =>
    fetch(endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })

  it('answers the documented GET with the price in both versions, the resource from configuration', async () => {
    // The Host header is the client's to choose; the resource URL is not taken from it.
    const res = await fetch(endpoint(), { headers: { 'x-forwarded-host': 'evil.example' } })
    expect(res.status).toBe(402)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('access-control-expose-headers')).toBe(
      'PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE',
    )
    const requirement = {
      scheme: 'exact',
      payTo: PAY_TO,
      asset: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
      maxTimeoutSeconds: 60,
      extra: { name: 'USD Coin', version: '2' },
    }
    expect(await res.json()).toEqual({
      x402Version: 1,
      error: expect.any(String),
      code: 'payment_required',
      reason: 'payment_required',
      accepts: [
        {
          ...requirement,
          network: 'base',
          maxAmountRequired: '1000',
          resource: `${PUBLIC_URL}/api/v1/agent-log`,
          description: 'Ingest one AI agent audit log entry',
          mimeType: 'application/json',
        },
      ],
    })
    expect(fromHeader(res.headers.get('payment-required'))).toEqual({
      x402Version: 2,
      error: 'payment_required',
      resource: {
        url: `${PUBLIC_URL}/api/v1/agent-log`,
        description: 'Ingest one AI agent audit log entry',
        mimeType: 'application/json',
      },
      accepts: [{ ...requirement, network: 'eip155:8453', amount: '1000' }],
      extensions: {},
    })
  })

  it('round-trips version 2 with @x402/fetch: settled, stored with payer and transaction, receipt', async () => {
    const before = facilitator.settles().length
    const pay = wrapFetchWithPaymentFromConfig(fetch, {
      schemes: [{ network: 'eip155:8453', client: new ExactEvmScheme(account) }],
    })
    const res = await pay(endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(PAID_LOG),
    })
    expect(res.status).toBe(201)
    const body = await res.json()
    const transaction = facilitator.transactions.at(-1)
    const receipt = decodePaymentResponseHeader(res.headers.get('payment-response') as string)
    expect(receipt).toEqual({
      success: true,
      transaction,
      network: 'eip155:8453',
      payer: account.address,
      amount: '1000',
    })
    expect(body).toEqual({
      id: expect.any(String),
      timestamp: expect.any(String),
      status: 'ingested',
      payment: { payer: account.address, transaction, network: 'eip155:8453' },
    })
    // The facilitator was asked once, with the v2 payload and this server's requirements.
    const [settle, ...more] = facilitator.settles().slice(before)
    expect(more).toEqual([])
    expect(settle?.body).toMatchObject({
      x402Version: 2,
      paymentPayload: { x402Version: 2, accepted: { network: 'eip155:8453', amount: '1000' } },
      paymentRequirements: { network: 'eip155:8453', amount: '1000', payTo: PAY_TO },
    })
    const stored = await api(`/api/v1/events/${body.id}`)
    expect(stored).toMatchObject({
      org_id: 'org-a',
      kind: 'llm_call',
      agent: 'gpt-4o',
      action: 'email_draft',
      tokens_total: 312,
      duration_ms: 1842,
      ip_address: '127.0.0.1',
      metadata: {
        x402: {
          payer: account.address,
          transaction,
          network: 'eip155:8453',
          amount: '1000',
          pay_to: PAY_TO,
          asset: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
          x402_version: 2,
        },
      },
    })
    const [payment] = (await api('/api/v1/org/x402/payments')).payments
    expect(payment).toMatchObject({
      state: 'settled',
      payer: account.address,
      transaction,
      event_id: body.id,
      x402_version: 2,
    })
  })

  it('round-trips version 1 with the official v1 scheme: X-PAYMENT in, X-PAYMENT-RESPONSE out', async () => {
    // A v1 client reads the 402 body (@x402/fetch would read the v2 header first, so this is
    // x402-fetch 1.x's path, played with @x402/core's client and @x402/evm's v1 scheme).
    const client = new x402Client().registerV1('base', new ExactEvmSchemeV1(account))
    const http = new x402HTTPClient(client)
    const unpaid = await postLog()
    expect(unpaid.status).toBe(402)
    const required = http.getPaymentRequiredResponse(() => null, await unpaid.json())
    const payload = await client.createPaymentPayload(required)
    const headers = http.encodePaymentSignatureHeader(payload)
    expect(Object.keys(headers)).toEqual(['X-PAYMENT'])
    const res = await postLog(headers)
    expect(res.status).toBe(201)
    const body = await res.json()
    const transaction = facilitator.transactions.at(-1)
    expect(http.getPaymentSettleResponse((name) => res.headers.get(name))).toEqual({
      success: true,
      transaction,
      network: 'base',
      payer: account.address,
    })
    expect(facilitator.settles().at(-1)?.body).toMatchObject({
      x402Version: 1,
      paymentPayload: { x402Version: 1, scheme: 'exact', network: 'base' },
      paymentRequirements: { network: 'base', maxAmountRequired: '1000', payTo: PAY_TO },
    })
    const stored = await api(`/api/v1/events/${body.id}`)
    expect(stored.metadata.x402).toMatchObject({
      payer: account.address,
      transaction,
      x402_version: 1,
    })

    // The same payment again: refused before the facilitator is asked, nothing stored twice.
    const settles = facilitator.settles().length
    const count = (await logs()).length
    const replay = await postLog(headers)
    expect(replay.status).toBe(402)
    expect(await replay.json()).toMatchObject({
      code: 'payment_invalid',
      reason: 'invalid_exact_evm_nonce_already_used',
    })
    expect(facilitator.settles().length).toBe(settles)
    expect((await logs()).length).toBe(count)
  })

  it('lets one of two requests carrying the same payment through, never both', async () => {
    const client = new x402Client().registerV1('base', new ExactEvmSchemeV1(account))
    const http = new x402HTTPClient(client)
    const required = http.getPaymentRequiredResponse(() => null, await (await postLog()).json())
    const headers = http.encodePaymentSignatureHeader(await client.createPaymentPayload(required))
    const count = (await logs()).length
    const answers = await Promise.all([postLog(headers), postLog(headers), postLog(headers)])
    expect(answers.map((r) => r.status).sort()).toEqual([201, 402, 402])
    expect((await logs()).length).toBe(count + 1)
  })

  it('pays with v2 when a client registers both versions, and answers another client the same way', async () => {
    const pay = wrapFetchWithPaymentFromConfig(fetch, {
      schemes: [
        { network: 'eip155:8453', client: new ExactEvmScheme(account) },
        // The config's type knows only CAIP-2 ids; its v1 registration takes v1 names (X402.md §5).
        {
          network: 'base' as `${string}:${string}`,
          client: new ExactEvmSchemeV1(account),
          x402Version: 1,
        },
      ],
    })
    const res = await pay(endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...PAID_LOG, action: 'both_versions' }),
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('payment-response')).not.toBeNull()
    expect(facilitator.settles().at(-1)?.body.x402Version).toBe(2)
  })

  it('stores nothing and answers 402 when the facilitator refuses, through the official client', async () => {
    facilitator.mode = 'insufficient_funds'
    const count = (await logs()).length
    const pay = wrapFetchWithPaymentFromConfig(fetch, {
      schemes: [{ network: 'eip155:8453', client: new ExactEvmScheme(account) }],
    })
    const res = await pay(endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(PAID_LOG),
    })
    expect(res.status).toBe(402)
    expect(res.headers.get('payment-response')).toBeNull()
    expect(fromHeader(res.headers.get('payment-required')).error).toBe('insufficient_funds')
    expect(await res.json()).toMatchObject({ code: 'payment_failed', reason: 'insufficient_funds' })
    expect((await logs()).length).toBe(count)
  })
})
