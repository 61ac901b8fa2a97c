import { createHmac, timingSafeEqual } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { legacySignature, mintSecret, signedHeaders, standardSignature } from './sign.js'

/**
 * AgentLedger's documented receiver ("Verify signatures", reference 004), with Express's parsed
 * `req.body` made explicit: it HMACs `JSON.stringify(req.body)` with the whole secret and compares.
 */
function agentLedgerReceiverAccepts(secret: string, rawBody: string, signature: string): boolean {
  const reqBody: unknown = JSON.parse(rawBody)
  const expected =
    'sha256=' + createHmac('sha256', secret).update(JSON.stringify(reqBody)).digest('hex')
  return signature === expected
}

describe('mintSecret', () => {
  it('mints whsec_ plus standard base64 of 32 random bytes, different every time', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => mintSecret()))
    expect(secrets.size).toBe(200)
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
      expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32)
    }
  })

  it('mints secrets that use + and / (so a base64url slip to - and _ would show)', () => {
    const joined = Array.from({ length: 200 }, () => mintSecret().slice('whsec_'.length)).join('')
    expect(joined).toMatch(/[+/]/)
    expect(joined).not.toMatch(/[-_]/)
  })
})

describe('standardSignature', () => {
  it('matches the Standard Webhooks test vector', () => {
    const signature = standardSignature(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    )
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  })
})

describe('legacySignature', () => {
  it('is sha256= and the hex HMAC keyed with the whole secret, prefix included', () => {
    const secret = 'whsec_abc'
    const body = '{"event":"alert.created"}'
    const expected = createHmac('sha256', 'whsec_abc').update(body).digest('hex')
    expect(legacySignature(secret, body)).toBe(`sha256=${expected}`)
    expect(legacySignature('abc', body)).not.toBe(`sha256=${expected}`)
  })
})

describe('signedHeaders', () => {
  const body = JSON.stringify({ event: 'alert.created', data: { id: 'a1', n: 1.5, s: 'é ✓' } })
  const nowMs = Date.now()

  it('carries every header, the timestamp in whole seconds', () => {
    const secret = mintSecret()
    const headers = signedHeaders({
      secret,
      deliveryId: 'd-1',
      event: 'alert.created',
      body,
      nowMs,
    })
    expect(Object.keys(headers).sort()).toEqual([
      'Content-Type',
      'X-AgentLedger-Delivery',
      'X-AgentLedger-Event',
      'X-AgentLedger-Signature',
      'webhook-id',
      'webhook-signature',
      'webhook-timestamp',
    ])
    expect(headers['Content-Type']).toBe('application/json')
    expect(headers['X-AgentLedger-Event']).toBe('alert.created')
    expect(headers['X-AgentLedger-Delivery']).toBe('d-1')
    expect(headers['webhook-id']).toBe('d-1')
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(nowMs / 1000)))
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
  })

  it('verifies with the standardwebhooks library for many minted secrets', () => {
    for (let i = 0; i < 300; i++) {
      const secret = mintSecret()
      const headers = signedHeaders({ secret, deliveryId: `d-${i}`, event: 'e', body, nowMs })
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
    }
  })

  it('fails the standardwebhooks check with another secret, another body or a stale timestamp', () => {
    const secret = mintSecret()
    const headers = signedHeaders({ secret, deliveryId: 'd', event: 'e', body, nowMs })
    expect(() => new Webhook(mintSecret()).verify(body, headers)).toThrow(/signature/)
    expect(() => new Webhook(secret).verify(body + ' ', headers)).toThrow(/signature/)
    const old = signedHeaders({
      secret,
      deliveryId: 'd',
      event: 'e',
      body,
      nowMs: nowMs - 6 * 60e3,
    })
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/too old/)
  })

  it('passes AgentLedger’s documented receiver, and a raw-body timingSafeEqual check', () => {
    for (let i = 0; i < 50; i++) {
      const secret = mintSecret()
      const headers = signedHeaders({ secret, deliveryId: 'd', event: 'e', body, nowMs })
      const signature = headers['X-AgentLedger-Signature'] ?? ''
      expect(agentLedgerReceiverAccepts(secret, body, signature)).toBe(true)
      expect(agentLedgerReceiverAccepts(mintSecret(), body, signature)).toBe(false)
      const expected = Buffer.from(legacySignature(secret, body))
      expect(timingSafeEqual(Buffer.from(signature), expected)).toBe(true)
    }
  })

  it('signs with both secrets during a rotation, each verifying on its own', () => {
    const secret = mintSecret()
    const previousSecret = mintSecret()
    const headers = signedHeaders({
      secret,
      previousSecret,
      deliveryId: 'd',
      event: 'e',
      body,
      nowMs,
    })
    const parts = (headers['webhook-signature'] ?? '').split(' ')
    expect(parts).toHaveLength(2)
    for (const part of parts) expect(part).toMatch(/^v1,/)
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
    expect(new Webhook(previousSecret).verify(body, headers)).toEqual(JSON.parse(body))
    expect(() => new Webhook(mintSecret()).verify(body, headers)).toThrow(/signature/)
    expect(headers['X-AgentLedger-Signature']).toBe(legacySignature(secret, body))
  })
})
