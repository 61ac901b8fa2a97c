import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey } from '@agenttrail/server'
import { parseCurl } from '../helpers/curl.js'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

/** The curl examples of shared/reference/002 (AgentWarden `POST /sdk/log`), word for word. */
const CURL = {
  template: `curl --request POST \\
  --url https://api.agentwarden.io/sdk/log \\
  --header 'Content-Type: application/json' \\
  --header 'X-API-Key: <x-api-key>' \\
  --data '
{
  "agent_id": "<string>",
  "action": "<string>",
  "status": "<string>",
  "context": {},
  "ip_address": "<string>",
  "success": "<string>",
  "failed": "<string>",
  "pending": "<string>",
  "denied": "<string>"
}
'`,
  example: `curl -X POST https://api.agentwarden.io/sdk/log \\
  -H "X-API-Key: ak_1234567890abcdefghij" \\
  -H "Content-Type: application/json" \\
  -d '{
    "agent_id": "550e8400-e29b-41d4-a716-446655440000",
    "action": "stripe.refund",
    "status": "success",
    "context": {
      "amount": 50.00,
      "customer_id": "cus_ABC123",
      "refund_id": "re_xyz789",
      "reason": "defective_product"
    },
    "ip_address": "192.168.1.100"
  }'`,
  success: `curl -X POST https://api.agentwarden.io/sdk/log \\
  -H "X-API-Key: YOUR_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "agent_id": "email-bot",
    "action": "email.send",
    "status": "success",
    "context": {
      "recipient": "customer@example.com",
      "template": "order_confirmation",
      "message_id": "msg_abc123"
    }
  }'`,
  failed: `curl -X POST https://api.agentwarden.io/sdk/log \\
  -H "X-API-Key: YOUR_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "agent_id": "payment-bot",
    "action": "stripe.charge",
    "status": "failed",
    "context": {
      "amount": 99.00,
      "customer_id": "cus_123",
      "error": "card_declined",
      "error_message": "Your card was declined"
    }
  }'`,
  denied: `curl -X POST https://api.agentwarden.io/sdk/log \\
  -H "X-API-Key: YOUR_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "agent_id": "support-bot",
    "action": "user.delete",
    "status": "denied",
    "context": {
      "user_id": "usr_456",
      "reason": "No permission found for action user.delete"
    }
  }'`,
  idempotency: `curl -X POST https://api.agentwarden.io/sdk/log \\
  -H "X-API-Key: YOUR_KEY" \\
  -H "Idempotency-Key: unique-key-123" \\
  -H "Content-Type: application/json" \\
  -d '{ ... }'`,
}

/** The "Logging Patterns" bodies of the same document. */
const PATTERNS = {
  success: {
    agent_id: 'support-bot',
    action: 'stripe.refund',
    status: 'success',
    context: { amount: 50.0, refund_id: 're_xyz789', processing_time_ms: 234 },
  },
  failed: {
    agent_id: 'support-bot',
    action: 'stripe.refund',
    status: 'failed',
    context: {
      amount: 50.0,
      error: 'insufficient_funds',
      error_message: 'Customer has insufficient funds',
      stripe_error_code: 'card_declined',
    },
  },
  denied: {
    agent_id: 'support-bot',
    action: 'stripe.refund',
    status: 'denied',
    context: { amount: 150.0, reason: 'Amount exceeds maximum allowed 100.00' },
  },
  pending: {
    agent_id: 'devops-bot',
    action: 'deploy.production',
    status: 'pending',
    context: { version: 'v2.1.0', approval_id: 'apr_abc123', requires_approval: true },
  },
}

const ORG = 'org_def456ghi012'
/** The key of the example request: keys are opaque secrets, so this one can exist as written. */
const DOC_KEY = 'ak_1234567890abcdefghij'
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe.each(DIALECTS)('AgentWarden POST /sdk/log (%s)', (dialect) => {
  let t: TestApp
  let key: string
  let admin: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    await createApiKey(t.store.keys, {
      orgId: ORG,
      name: 'doc',
      scopes: ['ingest'],
      secret: DOC_KEY,
    })
    key = await t.key(ORG, ['ingest'], 'aw_')
    admin = await t.key(ORG, ['admin'])
  })
  afterEach(() => t.close())

  /** Sends a documented curl command to the test app, with placeholder keys replaced by `key`. */
  const curl = async (command: string, headers: Record<string, string> = {}) => {
    const req = parseCurl(command.replace(/<x-api-key>|YOUR_KEY/g, key))
    const res = await t.request(req.method, req.path, {
      headers: { ...req.headers, ...headers },
      raw: req.body,
    })
    const text = await res.text()
    return { status: res.status, body: JSON.parse(text), headers: res.headers }
  }
  const log = (body: unknown, headers: Record<string, string> = { 'x-api-key': key }) =>
    t.json('POST', '/sdk/log', {
      headers,
      raw: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const stored = async (id: string) =>
    (await t.json('GET', `/api/v1/events/${id}`, { key: admin })).body

  it('answers the example request, sent as written, with the documented success shape', async () => {
    const res = await curl(CURL.example)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      agent_id: '550e8400-e29b-41d4-a716-446655440000',
      organization_id: 'org_def456ghi012',
      action: 'stripe.refund',
      status: 'success',
      context: {
        amount: 50.0,
        customer_id: 'cus_ABC123',
        refund_id: 're_xyz789',
        reason: 'defective_product',
      },
      created_at: expect.stringMatching(ISO),
    })
    expect(await stored(res.body.id)).toMatchObject({
      kind: 'action',
      agent: '550e8400-e29b-41d4-a716-446655440000',
      action: 'stripe.refund',
      status: 'success',
      ip_address: '192.168.1.100',
      context: res.body.context,
      received_at: res.body.created_at,
    })
  })

  it('logs the success, failure and denial examples and answers with the status word sent', async () => {
    for (const [name, word, core] of [
      ['success', 'success', 'success'],
      ['failed', 'failed', 'error'],
      ['denied', 'denied', 'denied'],
    ] as const) {
      const res = await curl(CURL[name])
      expect(res.status).toBe(200)
      expect(res.body.status).toBe(word)
      expect(Object.keys(res.body).sort()).toEqual([
        'action',
        'agent_id',
        'context',
        'created_at',
        'id',
        'organization_id',
        'status',
      ])
      const event = await stored(res.body.id)
      expect(event.status).toBe(core)
      expect(event.context).toEqual(res.body.context)
      if (word === 'failed') expect(event.metadata.original_status).toBe('failed')
    }
  })

  it('keeps pending and denied as such for the four logging patterns', async () => {
    for (const [word, body] of Object.entries(PATTERNS)) {
      const res = await log(body)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        agent_id: body.agent_id,
        action: body.action,
        status: word,
        context: body.context,
      })
      expect((await stored(res.body.id)).status).toBe(word === 'failed' ? 'error' : word)
    }
    const pending = await t.json('GET', '/api/v1/events?status=pending', { key: admin })
    expect(pending.body.events.map((e: { agent: string }) => e.agent)).toEqual(['devops-bot'])
  })

  it('answers the placeholder template with the documented invalid status body', async () => {
    const res = await curl(CURL.template)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      detail: { status: ['Must be one of: success, failed, pending, denied'] },
    })
  })

  it('answers 401 {"detail": "Invalid API key"} for a missing, unknown or revoked key', async () => {
    const body = PATTERNS.success
    expect(await log(body, {})).toMatchObject({ status: 401, body: { detail: 'Invalid API key' } })
    expect((await log(body, {})).body).toEqual({ detail: 'Invalid API key' })
    expect((await log(body, { 'x-api-key': 'ak_not_a_key_at_all_000' })).body).toEqual({
      detail: 'Invalid API key',
    })
    expect((await log(body, { 'x-api-key': 'ak_not_a_key_at_all_000' })).status).toBe(401)
  })

  it('lists every missing required field at once, as documented', async () => {
    const res = await log({})
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      detail: {
        agent_id: ['This field is required'],
        action: ['This field is required'],
        status: ['This field is required'],
      },
    })
    const some = await log({ agent_id: 'a', context: { x: 1 } })
    expect(some.body).toEqual({
      detail: { action: ['This field is required'], status: ['This field is required'] },
    })
  })

  it('answers an unknown status word with the documented message', async () => {
    for (const status of ['error', 'SUCCESS', 'blocked', 7]) {
      const res = await log({ agent_id: 'a', action: 'b', status })
      expect(res.status).toBe(400)
      expect(res.body).toEqual({
        detail: { status: ['Must be one of: success, failed, pending, denied'] },
      })
    }
  })

  it('names each field of the wrong type, blank or too long', async () => {
    const res = await log({
      agent_id: 5,
      action: '  ',
      status: 'success',
      context: 'refund',
      ip_address: 7,
    })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      detail: {
        agent_id: ['Must be a string'],
        action: ['This field may not be blank'],
        context: ['Must be an object'],
        ip_address: ['Must be a string'],
      },
    })
    const long = await log({
      agent_id: 'x'.repeat(257),
      action: 'a',
      status: 'success',
      context: [1],
    })
    expect(long.body).toEqual({
      detail: {
        agent_id: ['Ensure this field has no more than 256 characters'],
        context: ['Must be an object'],
      },
    })
    const big = await log({
      agent_id: 'a',
      action: 'b',
      status: 'success',
      context: { blob: 'x'.repeat(70_000) },
    })
    expect(big.status).toBe(400)
    expect(Object.keys(big.body.detail)).toEqual(['context'])
  })

  it('answers a body that is not a JSON object, or too large, with a detail string', async () => {
    for (const raw of ['{"agent_id": ', '[1, 2]', '']) {
      const res = await log(raw)
      expect(res.status).toBe(400)
      expect(Object.keys(res.body)).toEqual(['detail'])
      expect(typeof res.body.detail).toBe('string')
    }
    const huge = await log(
      JSON.stringify({
        agent_id: 'a',
        action: 'b',
        status: 'success',
        context: { x: 'y'.repeat(1_100_000) },
      }),
    )
    expect(huge.status).toBe(413)
    expect(Object.keys(huge.body)).toEqual(['detail'])
    const scoped = await log(PATTERNS.success, { 'x-api-key': await t.key(ORG, ['read']) })
    expect(scoped.status).toBe(403)
    expect(Object.keys(scoped.body)).toEqual(['detail'])
  })

  it('answers the idempotency example as written (its body is a placeholder) with a detail string', async () => {
    const res = await curl(CURL.idempotency)
    expect(res.status).toBe(400)
    expect(Object.keys(res.body)).toEqual(['detail'])
  })

  it('replays the same answer for the same Idempotency-Key without a second log', async () => {
    const headers = { 'x-api-key': key, 'idempotency-key': 'unique-key-123' }
    const first = await log(PATTERNS.failed, headers)
    const again = await log(PATTERNS.failed, headers)
    expect(first.status).toBe(200)
    expect(again.status).toBe(first.status)
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    const all = await t.json('GET', '/api/v1/events', { key: admin })
    expect(all.body.events).toHaveLength(1)
    const other = await log(PATTERNS.denied, headers)
    expect(other.status).toBe(422)
    expect(Object.keys(other.body)).toEqual(['detail'])
  })

  it('stores and answers the context with secrets redacted', async () => {
    const res = await log({
      agent_id: 'a',
      action: 'login',
      status: 'success',
      context: { user: 'ann', password: 'hunter2' },
    })
    expect(res.body.context).toEqual({ user: 'ann', password: '[REDACTED]' })
    expect((await stored(res.body.id)).context).toEqual(res.body.context)
  })

  it('answers 404 {"detail": "Agent not found"} for an unregistered agent when the org requires registration', async () => {
    await t.json('PATCH', '/api/v1/org/settings', {
      key: admin,
      body: { require_registered_agents: true },
    })
    expect(await log(PATTERNS.success)).toEqual({
      status: 404,
      body: { detail: 'Agent not found' },
      headers: expect.anything(),
    })
    const registered = await t.json('POST', '/api/v1/agents', {
      key: admin,
      body: { name: 'support-bot' },
    })
    expect(registered.status).toBe(201)
    const res = await log(PATTERNS.success)
    expect(res.status).toBe(200)
    expect(res.body.agent_id).toBe('support-bot')
  })
})
