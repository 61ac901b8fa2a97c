import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

describe.each(DIALECTS)('org settings and redaction on ingest (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  it('shows defaults, applies a partial change, and refuses bad input by field', async () => {
    const first = await t.json('GET', '/api/v1/org/settings', { key: t.adminKey })
    expect(first.body).toEqual({
      plan: {
        name: 'unlimited',
        logs_per_month: null,
        retention_days: null,
        requests_per_minute: null,
      },
      require_registered_agents: false,
      redaction: { enabled: true, field_names: [], allow_field_names: [] },
    })
    const patched = await t.json('PATCH', '/api/v1/org/settings', {
      key: t.adminKey,
      body: { redaction: { field_names: ['ssn'] } },
    })
    expect(patched.status).toBe(200)
    expect(patched.body.redaction).toEqual({
      enabled: true,
      field_names: ['ssn'],
      allow_field_names: [],
    })
    const bad = await t.json('PATCH', '/api/v1/org/settings', {
      key: t.adminKey,
      body: { redaction: { enabled: 'no' }, colour: 'red' },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe('validation_failed')
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(
      ['', 'redaction.enabled'].sort(),
    )
    const reader = await t.key('org-a', ['read', 'ingest'])
    expect((await t.json('PATCH', '/api/v1/org/settings', { key: reader, body: {} })).status).toBe(
      403,
    )
    expect(
      (await t.json('GET', '/api/v1/org/settings', { key: t.adminKey })).body.redaction.field_names,
    ).toEqual(['ssn'])
  })

  it('redacts secrets before the event is written, and counts them', async () => {
    await t.json('PATCH', '/api/v1/org/settings', {
      key: t.adminKey,
      body: { redaction: { field_names: ['ssn'] } },
    })
    const res = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: {
        agent: 'a',
        input: { ssn: '123-45-6789', headers: { authorization: 'Bearer abcdefghijklmnopqrstuv' } },
        output: 'key is sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123',
      },
    })
    expect(res.status).toBe(201)
    const stored = await t.json('GET', `/api/v1/events/${res.body.id}`, { key: t.adminKey })
    expect(stored.body.input).toEqual({
      ssn: '[REDACTED]',
      headers: { authorization: '[REDACTED]' },
    })
    expect(stored.body.output).toBe('key is [REDACTED]')
    expect(stored.body.metadata.redactions).toBe(3)
    const search = await t.json('GET', '/api/v1/events?q=AbCdEfGhIjKlMnOpQrStUvWxYz0123', {
      key: t.adminKey,
    })
    expect(search.body.events).toHaveLength(0)
  })

  it('stores a system prompt that held a secret redacted, under the hash of the redacted text', async () => {
    const { createHash } = await import('node:crypto')
    const prompt = 'You are a helpful agent. Use api_key=Zx8pQ2rT7vL9mN4kJ6hG3abc for the CRM.'
    const sha = (text: string) => createHash('sha256').update(text).digest('hex')
    const res = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: {
        kind: 'llm_call',
        conversation_id: 'c1',
        system_prompt: prompt,
        system_prompt_sha256: sha(prompt),
      },
    })
    expect(res.status).toBe(201)
    const stored = await t.json('GET', `/api/v1/events/${res.body.id}`, { key: t.adminKey })
    const redacted = 'You are a helpful agent. Use api_key=[REDACTED] for the CRM.'
    expect(stored.body.system_prompt_sha256).toBe(sha(redacted))
    const detail = await t.json('GET', `/api/v1/conversations/c1/calls/${res.body.id}`, {
      key: t.adminKey,
    })
    expect(JSON.stringify(detail.body)).toContain(redacted)
    expect(JSON.stringify(detail.body)).not.toContain('Zx8pQ2rT7vL9mN4kJ6hG3abc')
    // A wrong hash is still refused.
    const wrong = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: { system_prompt: prompt, system_prompt_sha256: sha('other') },
    })
    expect(wrong.status).toBe(400)
  })

  it('writes secrets as sent when the org turns redaction off', async () => {
    await t.json('PATCH', '/api/v1/org/settings', {
      key: t.adminKey,
      body: { redaction: { enabled: false } },
    })
    const res = await t.json('POST', '/api/v1/events', {
      key: t.adminKey,
      body: { input: { password: 'hunter2' } },
    })
    const stored = await t.json('GET', `/api/v1/events/${res.body.id}`, { key: t.adminKey })
    expect(stored.body.input).toEqual({ password: 'hunter2' })
  })
})
