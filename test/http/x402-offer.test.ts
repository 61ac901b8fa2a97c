import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { startFacilitatorDouble } from '../helpers/facilitator-double.js'
import type { FacilitatorDouble } from '../helpers/facilitator-double.js'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { asHeader, signPayment } from '../helpers/x402-payments.js'
import { PAID_LOG, PAY_TO, PUBLIC_URL, offerBody, x402Env } from '../helpers/x402-setup.js'

/** The org's x402 offer (`/api/v1/org/x402`) and what turns the paid path on and off. */
describe.each(DIALECTS)('x402 offer (%s)', (dialect) => {
  let t: TestApp
  let facilitator: FacilitatorDouble
  beforeAll(async () => {
    facilitator = await startFacilitatorDouble()
  })
  afterAll(() => facilitator.close())
  beforeEach(async () => {
    t = await createTestApp(x402Env(), dialect)
  })
  afterEach(() => t.close())

  const put = (body: unknown, key = t.adminKey) => t.json('PUT', '/api/v1/org/x402', { key, body })

  it('answers 404 on the paid path until an org offers paid logs, as before', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await t.json(method, '/api/v1/agent-log', method === 'POST' ? { body: {} } : {})
      expect(res.status).toBe(404)
      expect(res.body).toEqual({
        error: 'paid logs (x402) are not enabled on this server',
        code: 'not_found',
      })
    }
    expect((await t.json('GET', '/api/v1/org/x402', { key: t.adminKey })).status).toBe(404)
  })

  it('stores an offer with USDC on Base filled in, shows it, and records the change', async () => {
    const res = await put(offerBody(facilitator.url))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const offer = {
      enabled: true,
      network: 'eip155:8453',
      pay_to: PAY_TO,
      price: '1000',
      asset: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
      asset_name: 'USD Coin',
      asset_version: '2',
      facilitator_url: facilitator.url,
      resource_url: `${PUBLIC_URL}/api/v1/agent-log`,
      description: 'Ingest one AI agent audit log entry',
      max_timeout_seconds: 60,
      updated_at: expect.any(String),
    }
    expect(res.body).toEqual(offer)
    expect((await t.json('GET', '/api/v1/org/x402', { key: t.adminKey })).body).toEqual(offer)
    const audit = await t.json('GET', '/api/v1/events?kind=audit', { key: t.adminKey })
    const [set] = audit.body.events.filter((e: { action: string }) => e.action === 'x402.offer_set')
    expect(set.metadata.offer).toMatchObject({ pay_to: PAY_TO, price: '1000' })
    // The trail keeps the facilitator's origin, not its path.
    expect(set.metadata.offer.facilitator_url).not.toContain('/x402')
    // The paid path is open now.
    expect((await t.json('GET', '/api/v1/agent-log')).status).toBe(402)
  })

  it('takes a pay-to address in any case and stores its EIP-55 form', async () => {
    const res = await put(offerBody(facilitator.url, { pay_to: PAY_TO.toLowerCase() }))
    expect(res.body.pay_to).toBe(PAY_TO)
  })

  it('refuses an offer without what a payment needs, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ facilitator_url: undefined }, 'facilitator_url'],
      [{ pay_to: '0x1234' }, 'pay_to'],
      [{ price: '0' }, 'price'],
      [{ price: 1000 }, 'price'],
      [{ network: 'solana:mainnet' }, 'network'],
      [{ network: 'eip155:10' }, 'asset'],
      [{ asset: '0x1111111111111111111111111111111111111111' }, 'asset_name'],
      [{ max_timeout_seconds: 5 }, 'max_timeout_seconds'],
      [{ fee: 1 }, ''],
    ]
    for (const [change, path] of cases) {
      const res = await put({ ...offerBody(facilitator.url), ...change })
      expect(res.status, JSON.stringify(change)).toBe(400)
      expect(res.body.code).toBe('validation_failed')
      expect(res.body.details[0].path).toBe(path)
    }
    expect((await t.json('GET', '/api/v1/org/x402', { key: t.adminKey })).status).toBe(404)
  })

  it('names the token domain for another asset, and keeps the one given for USDC', async () => {
    const res = await put(
      offerBody(facilitator.url, {
        network: 'eip155:10',
        asset: '0x0b2c639c533813f4aa9d7837caf62653d097ff85',
        asset_name: 'USD Coin',
        asset_version: '2',
      }),
    )
    expect(res.body).toMatchObject({
      network: 'eip155:10',
      asset: '0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85',
    })
    const sepolia = await put(offerBody(facilitator.url, { network: 'base-sepolia' }))
    expect(sepolia.body).toMatchObject({
      network: 'eip155:84532',
      asset: '0x036CbD53842c5426634e7929541eC2318f3dCF7e',
      asset_name: 'USDC',
    })
  })

  it('refuses a facilitator reached over plain http or at a private address', async () => {
    for (const url of ['http://facilitator.example/x402', 'https://10.0.0.7/x402', 'ftp://x/y']) {
      const res = await put(offerBody(url))
      expect(res.status, url).toBe(400)
      expect(res.body.details[0].path).toBe('facilitator_url')
    }
    // The loopback double is allowed by AGENTTRAIL_OUTBOUND_ALLOW, over http too.
    expect((await put(offerBody(facilitator.url))).status).toBe(200)
  })

  it('settles at <facilitator_url>/settle when the URL carries a query, keeping the query', async () => {
    expect((await put(offerBody(`${facilitator.url}/?token=abc#top`))).status).toBe(200)
    const payment = await signPayment(privateKeyToAccount(generatePrivateKey()), PAY_TO)
    const res = await t.json('POST', '/api/v1/agent-log', {
      body: PAID_LOG,
      headers: { 'x-payment': asHeader(payment) },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const [call] = facilitator.calls.slice(-1)
    expect(call).toMatchObject({ path: '/x402/settle', query: 'token=abc' })
  })

  it('needs a resource URL when the server has no public URL', async () => {
    await t.close()
    const { AGENTTRAIL_PUBLIC_URL: _, ...env } = x402Env()
    t = await createTestApp(env, dialect)
    const res = await put(offerBody(facilitator.url))
    expect(res.status).toBe(400)
    expect(res.body.details[0].path).toBe('resource_url')
    const own = await put(offerBody(facilitator.url, { resource_url: 'https://pay.example/log' }))
    expect(own.body.resource_url).toBe('https://pay.example/log')
  })

  it('holds a pay-to address to one org, and lets another org use its own', async () => {
    expect((await put(offerBody(facilitator.url))).status).toBe(200)
    const other = await t.key('org-b', ['admin'])
    const taken = await put(offerBody(facilitator.url), other)
    expect(taken.status).toBe(409)
    expect(taken.body.code).toBe('conflict')
    const own = '0x1111111111111111111111111111111111111111'
    expect((await put(offerBody(facilitator.url, { pay_to: own }), other)).status).toBe(200)
  })

  it('needs the admin scope to change or read the offer, and read for the ledger', async () => {
    const reader = await t.key('org-a', ['read', 'ingest'])
    expect((await put(offerBody(facilitator.url), reader)).status).toBe(403)
    expect((await t.json('GET', '/api/v1/org/x402', { key: reader })).status).toBe(403)
    const ledger = await t.json('GET', '/api/v1/org/x402/payments', { key: reader })
    expect(ledger).toMatchObject({ status: 200, body: { payments: [] } })
  })

  it('declares the paid path and the offer in the OpenAPI document', async () => {
    const doc = (await t.json('GET', '/api/openapi.json')).body
    const paid = doc.paths['/api/v1/agent-log']
    expect(Object.keys(paid).sort()).toEqual(['get', 'options', 'post'])
    expect(paid.post.security).toBeUndefined()
    expect(paid.post.responses['402'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/X402PaymentRequired',
    )
    expect(paid.post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/LogwickLogInput',
    )
    expect(Object.keys(doc.paths['/api/v1/org/x402']).sort()).toEqual(['delete', 'get', 'put'])
    expect(doc.paths['/api/v1/org/x402/payments'].get['x-required-scope']).toBe('read')
    expect(doc.components.schemas.X402OfferInput.required).toEqual(
      expect.arrayContaining(['network', 'pay_to', 'price', 'facilitator_url']),
    )
  })

  it('stops taking paid logs when the offer is disabled or deleted', async () => {
    await put(offerBody(facilitator.url, { enabled: false }))
    expect((await t.json('GET', '/api/v1/agent-log')).status).toBe(404)
    await put(offerBody(facilitator.url))
    expect((await t.json('GET', '/api/v1/agent-log')).status).toBe(402)
    const gone = await t.json('DELETE', '/api/v1/org/x402', { key: t.adminKey })
    expect(gone.body).toEqual({ deleted: true })
    expect((await t.json('GET', '/api/v1/agent-log')).status).toBe(404)
    expect((await t.json('DELETE', '/api/v1/org/x402', { key: t.adminKey })).status).toBe(404)
  })
})
