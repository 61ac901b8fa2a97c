import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

const TYPES =
  'rate_limit, service_allowlist, service_blocklist, cost_limit_per_action, payload_regex_block, require_approval'

/** The two curl examples of the docs' "Policy Engine" section (shared/reference/004), bodies as written. */
const DOCS_RATE_LIMIT = {
  name: 'Rate limit support-bot',
  agent_name: 'support-bot',
  rule_type: 'rate_limit',
  config: { max_actions: 100, window_seconds: 3600 },
  priority: 10,
  enabled: true,
}
const DOCS_REGEX = {
  name: 'Block SSN and passwords in payloads',
  rule_type: 'payload_regex_block',
  config: { patterns: ['\\b\\d{3}-\\d{2}-\\d{4}\\b', 'password'], fields: ['input', 'output'] },
  priority: 20,
  enabled: true,
}

describe.each(DIALECTS)('policies (%s)', (dialect) => {
  let t: TestApp
  let control: { key: string; id: string }
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    control = await createApiKey(t.store.keys, { orgId: 'org-a', name: 'ops', scopes: ['control'] })
  })
  afterEach(() => t.close())

  const post = (body: unknown, key = control.key) =>
    t.json('POST', '/api/v1/policies', { key, body })
  const patch = (id: string, body: unknown) =>
    t.json('PATCH', `/api/v1/policies/${id}`, { key: control.key, body })
  const create = async (body: unknown) => {
    const res = await post(body)
    expect(res.status).toBe(201)
    return res.body.policy as { id: string; [k: string]: unknown }
  }
  const trail = async () =>
    (await t.json('GET', '/api/v1/events?kind=audit', { key: t.adminKey })).body.events as any[]

  it('creates the documented rate limit as written (with `config`) and answers 201 with the stored policy', async () => {
    const res = await post(DOCS_RATE_LIMIT)
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      policy: {
        id: expect.any(String),
        name: 'Rate limit support-bot',
        agent_name: 'support-bot',
        environment: null,
        rule_type: 'rate_limit',
        rule_config: { max_actions: 100, window_seconds: 3600 },
        enabled: true,
        priority: 10,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    })
    const id = res.body.policy.id
    expect((await t.json('GET', `/api/v1/policies/${id}`, { key: t.adminKey })).body).toEqual(
      res.body,
    )
  })

  it('creates the documented regex policy and fills the defaults of a minimal body', async () => {
    expect((await create(DOCS_REGEX)).rule_config).toEqual({
      ...DOCS_REGEX.config,
      case_insensitive: false,
    })
    const minimal = await create({ rule_type: 'rate_limit', rule_config: { max_actions: 5 } })
    expect(minimal).toMatchObject({
      name: null,
      agent_name: null,
      environment: null,
      enabled: true,
      priority: 0,
    })
    expect(minimal.rule_config).toEqual({ max_actions: 5, window_seconds: 60 })
    const approval = await create({
      rule_type: 'require_approval',
      rule_config: {},
      environment: 'staging',
    })
    expect(approval).toMatchObject({
      environment: 'staging',
      rule_config: { services: [], actions: [] },
    })
  })

  it('lists policies highest priority first, by agent and by environment', async () => {
    const low = await create({
      rule_type: 'service_blocklist',
      rule_config: { services: ['stripe'] },
      priority: 1,
    })
    const high = await create({ ...DOCS_RATE_LIMIT, priority: 900 })
    const staging = await create({
      rule_type: 'rate_limit',
      rule_config: { max_actions: 1 },
      environment: 'staging',
      priority: 50,
    })
    const ids = (res: { body: { policies: { id: string }[] } }) =>
      res.body.policies.map((p) => p.id)
    const read = await t.key('org-a', ['read'])
    expect(ids(await t.json('GET', '/api/v1/policies', { key: read }))).toEqual([
      high.id,
      staging.id,
      low.id,
    ])
    expect(
      ids(await t.json('GET', '/api/v1/policies?agent_name=support-bot', { key: read })),
    ).toEqual([high.id])
    expect(
      ids(await t.json('GET', '/api/v1/policies?environment=production', { key: read })),
    ).toEqual([high.id, low.id])
    expect(ids(await t.json('GET', '/api/v1/policies?environment=staging', { key: read }))).toEqual(
      [high.id, staging.id, low.id],
    )
  })

  it('names the field of a bad rule_config, under the spelling the client sent', async () => {
    const zero = await post({ rule_type: 'rate_limit', rule_config: { max_actions: 0 } })
    expect(zero.status).toBe(400)
    expect(zero.body).toMatchObject({
      error: 'rule_config.max_actions: must be greater than 0',
      code: 'validation_failed',
      details: [{ path: 'rule_config.max_actions', message: 'must be greater than 0' }],
    })
    expect((await post({ rule_type: 'rate_limit', config: { max_actions: 0 } })).body.error).toBe(
      'config.max_actions: must be greater than 0',
    )
    const empty = await post({ rule_type: 'service_allowlist', rule_config: { services: [] } })
    expect(empty.body.error).toBe('rule_config.services: must list at least one service')
    const stranger = await post({
      rule_type: 'cost_limit_per_action',
      rule_config: { max_cost_cents: 5, max_actions: 1 },
    })
    expect(stranger.status).toBe(400)
    expect(stranger.body.details[0].path).toBe('rule_config')
    expect((await post({ rule_type: 'rate_limit', rule_config: {} })).body.error).toBe(
      'rule_config.max_actions: is required',
    )
    expect((await post({ rule_type: 'rate_limit', rule_config: [1] })).body.error).toBe(
      'rule_config: must be an object',
    )
    expect((await post({ rule_type: 'rate_limit' })).body.error).toBe('rule_config: is required')
  })

  it('refuses a pattern that is not valid or needs backtracking, naming its index', async () => {
    for (const pattern of ['(a)\\1', '(?=x)y', '([a-z]']) {
      const res = await post({
        rule_type: 'payload_regex_block',
        rule_config: { patterns: ['ok', pattern] },
      })
      expect(res.status).toBe(400)
      expect(res.body.details[0].path).toBe('rule_config.patterns.1')
      expect(res.body.error).toMatch(/^rule_config\.patterns\.1: is not a valid pattern/)
    }
    // A catastrophic pattern for a backtracking engine is fine for a linear one.
    expect(
      (await post({ rule_type: 'payload_regex_block', rule_config: { patterns: ['(a+)+$'] } }))
        .status,
    ).toBe(201)
    const long = await post({
      rule_type: 'payload_regex_block',
      rule_config: { patterns: ['a'.repeat(201)] },
    })
    expect(long.body.error).toBe('rule_config.patterns.0: must be at most 200 characters')
  })

  it('refuses an unknown rule type naming rule_type and listing the six', async () => {
    const res = await post({ rule_type: 'spending_cap', rule_config: {} })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe(`rule_type: must be one of ${TYPES}`)
    expect((await post({ rule_config: {} })).body.error).toBe(
      `rule_type: is required: one of ${TYPES}`,
    )
  })

  it('takes rule_config and config together only when they agree', async () => {
    const differ = await post({
      rule_type: 'rate_limit',
      rule_config: { max_actions: 1 },
      config: { max_actions: 2 },
    })
    expect(differ.status).toBe(400)
    expect(differ.body.details).toEqual([
      { path: 'config', message: expect.stringContaining('differ') },
    ])
    expect(
      (
        await post({
          rule_type: 'rate_limit',
          rule_config: { max_actions: 1 },
          config: { max_actions: 1 },
        })
      ).status,
    ).toBe(201)
  })

  it('refuses bad bodies with the field named', async () => {
    const cases: [unknown, string][] = [
      [{ ...DOCS_RATE_LIMIT, priority: 1001 }, 'priority: must be at most 1000'],
      [{ ...DOCS_RATE_LIMIT, priority: -1 }, 'priority: must be at least 0'],
      [{ ...DOCS_RATE_LIMIT, priority: 1.5 }, 'priority: must be a whole number'],
      [{ ...DOCS_RATE_LIMIT, priority: '10' }, 'priority: must be a number'],
      [{ ...DOCS_RATE_LIMIT, enabled: 'yes' }, 'enabled: must be true or false'],
      [{ ...DOCS_RATE_LIMIT, agent_name: '' }, 'agent_name: must not be empty; send null for all'],
      [{ ...DOCS_RATE_LIMIT, environment: 7 }, 'environment: must be a string or null'],
      [{ ...DOCS_RATE_LIMIT, name: 'x'.repeat(201) }, 'name: must be at most 200 characters'],
      [[DOCS_RATE_LIMIT], 'body: the body must be a JSON object'],
    ]
    for (const [body, error] of cases) {
      const res = await post(body)
      expect(res.status, error).toBe(400)
      expect(res.body.error).toBe(error)
    }
    const unknown = await post({ ...DOCS_RATE_LIMIT, description: 'x' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error).toMatch(
      /^body: unknown field description; the fields are name, agent_name/,
    )
    const bad = await t.json('POST', '/api/v1/policies', { key: control.key, raw: '{"rule_type":' })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe('invalid_json')
    expect((await t.json('GET', '/api/v1/policies?environment=', { key: t.adminKey })).status).toBe(
      400,
    )
    expect((await t.json('GET', '/api/v1/policies', { key: t.adminKey })).body).toEqual({
      policies: [],
    })
  })

  it('changes any field by id or by the body form and stores a new rule type with its config', async () => {
    const p = await create(DOCS_RATE_LIMIT)
    const res = await patch(p.id, {
      enabled: false,
      priority: 5,
      name: null,
      environment: 'staging',
    })
    expect(res.status).toBe(200)
    expect(res.body.policy).toMatchObject({
      id: p.id,
      enabled: false,
      priority: 5,
      name: null,
      environment: 'staging',
      agent_name: 'support-bot',
    })
    const form = await t.json('PATCH', '/api/v1/policies', {
      key: control.key,
      body: {
        id: p.id,
        rule_type: 'service_blocklist',
        config: { services: ['stripe'] },
        agent_name: null,
      },
    })
    expect(form.status).toBe(200)
    expect(form.body.policy).toMatchObject({
      rule_type: 'service_blocklist',
      rule_config: { services: ['stripe'] },
      agent_name: null,
    })
    expect((await t.json('GET', `/api/v1/policies/${p.id}`, { key: t.adminKey })).body).toEqual(
      form.body,
    )
    // A config alone is validated against the stored type.
    const mismatch = await patch(p.id, { rule_config: { max_actions: 3 } })
    expect(mismatch.status).toBe(400)
    expect(mismatch.body.error).toBe('rule_config.services: is required')
    // A new type whose config the stored one fits (a list of services) needs no new config.
    expect((await patch(p.id, { rule_type: 'service_allowlist' })).body.policy).toMatchObject({
      rule_type: 'service_allowlist',
      rule_config: { services: ['stripe'] },
    })
  })

  it('does not let a new rule type skip validation (AgentLedger never stored it and skipped the check for require_approval)', async () => {
    const p = await create({ rule_type: 'require_approval', rule_config: { services: ['stripe'] } })
    const noConfig = await patch(p.id, { rule_type: 'rate_limit' })
    expect(noConfig.status).toBe(400)
    expect(noConfig.body.error).toBe(
      'rule_config: the stored rule_config does not fit rule_type rate_limit; send a rule_config for it',
    )
    const wrongForNew = await patch(p.id, {
      rule_type: 'rate_limit',
      rule_config: { services: ['x'] },
    })
    expect(wrongForNew.status).toBe(400)
    const garbage = await patch(p.id, {
      rule_type: 'require_approval',
      rule_config: { max_actions: 'lots' },
    })
    expect(garbage.status).toBe(400)
    expect(
      (await t.json('GET', `/api/v1/policies/${p.id}`, { key: t.adminKey })).body.policy,
    ).toMatchObject({
      rule_type: 'require_approval',
      rule_config: { services: ['stripe'], actions: [] },
    })
    const ok = await patch(p.id, { rule_type: 'rate_limit', rule_config: { max_actions: 3 } })
    expect(ok.body.policy).toMatchObject({
      rule_type: 'rate_limit',
      rule_config: { max_actions: 3, window_seconds: 60 },
    })
  })

  it('refuses bad patches and answers 404 for unknown ids and other orgs’ policies', async () => {
    const p = await create(DOCS_RATE_LIMIT)
    expect((await patch(p.id, {})).body.error).toMatch(
      /^body: send at least one of name, agent_name/,
    )
    expect((await patch(p.id, { id: p.id, enabled: false })).body.error).toMatch(
      /^body: unknown field id/,
    )
    expect((await patch(p.id, { priority: 2000 })).body.error).toBe(
      'priority: must be at most 1000',
    )
    expect(
      (await t.json('PATCH', '/api/v1/policies', { key: control.key, body: { enabled: false } }))
        .body.error,
    ).toBe('id: is required')
    expect(
      (await t.json('PATCH', `/api/v1/policies/${p.id}`, { key: control.key, raw: 'nope' })).body
        .code,
    ).toBe('invalid_json')
    expect((await patch('no-such-id', { enabled: false })).status).toBe(404)
    const other = await t.key('org-b', ['admin'])
    for (const [method, path, body] of [
      ['GET', `/api/v1/policies/${p.id}`, undefined],
      ['PATCH', `/api/v1/policies/${p.id}`, { enabled: false }],
      ['PATCH', '/api/v1/policies', { id: p.id, enabled: false }],
      ['DELETE', `/api/v1/policies/${p.id}`, undefined],
      ['DELETE', `/api/v1/policies?id=${p.id}`, undefined],
    ] as const) {
      const res = await t.json(method, path, { key: other, body })
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.body).toMatchObject({
        error: 'no policy with this id in your org',
        code: 'not_found',
      })
    }
    expect((await t.json('GET', '/api/v1/policies', { key: other })).body).toEqual({ policies: [] })
    expect(
      (await t.json('GET', `/api/v1/policies/${p.id}`, { key: t.adminKey })).body.policy,
    ).toMatchObject({ enabled: true })
  })

  it('deletes by id and by ?id=, then answers 404', async () => {
    const a = await create(DOCS_RATE_LIMIT)
    const b = await create(DOCS_REGEX)
    expect(await t.json('DELETE', `/api/v1/policies/${a.id}`, { key: control.key })).toMatchObject({
      status: 200,
      body: { deleted: true },
    })
    expect(
      await t.json('DELETE', `/api/v1/policies?id=${b.id}`, { key: control.key }),
    ).toMatchObject({
      status: 200,
      body: { deleted: true },
    })
    expect((await t.json('GET', `/api/v1/policies/${a.id}`, { key: t.adminKey })).status).toBe(404)
    expect((await t.json('DELETE', `/api/v1/policies/${a.id}`, { key: control.key })).status).toBe(
      404,
    )
    expect(
      (await t.json('DELETE', `/api/v1/policies?id=${b.id}`, { key: control.key })).status,
    ).toBe(404)
    expect((await t.json('DELETE', '/api/v1/policies', { key: control.key })).body.error).toBe(
      'id: is required',
    )
    expect((await t.json('GET', '/api/v1/policies', { key: t.adminKey })).body).toEqual({
      policies: [],
    })
  })

  it('needs the control scope to change policies and the read scope to see them', async () => {
    const p = await create(DOCS_RATE_LIMIT)
    const read = await t.key('org-a', ['read'])
    const ingest = await t.key('org-a', ['ingest'])
    expect((await t.json('GET', '/api/v1/policies', { key: read })).status).toBe(200)
    expect((await t.json('GET', `/api/v1/policies/${p.id}`, { key: read })).status).toBe(200)
    expect((await t.json('GET', '/api/v1/policies', { key: ingest })).status).toBe(403)
    expect((await t.json('GET', '/api/v1/policies', {})).status).toBe(401)
    for (const [method, path, body] of [
      ['POST', '/api/v1/policies', DOCS_REGEX],
      ['PATCH', `/api/v1/policies/${p.id}`, { enabled: false }],
      ['PATCH', '/api/v1/policies', { id: p.id, enabled: false }],
      ['DELETE', `/api/v1/policies/${p.id}`, undefined],
      ['DELETE', `/api/v1/policies?id=${p.id}`, undefined],
    ] as const) {
      const res = await t.json(method, path, { key: read, body })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.body.error).toBe('this key lacks the "control" scope that this endpoint needs')
    }
    expect(
      (await t.json('GET', `/api/v1/policies/${p.id}`, { key: read })).body.policy.enabled,
    ).toBe(true)
  })

  it('records every change in the trail by the key that made it, and nothing for a no-op', async () => {
    const p = await create(DOCS_RATE_LIMIT)
    await patch(p.id, { priority: 11, enabled: true })
    await patch(p.id, { priority: 11 }) // no change, no record
    await t.json('DELETE', `/api/v1/policies/${p.id}`, { key: control.key })
    const events = (await trail()).filter((e) => e.action.startsWith('policy.')).reverse()
    expect(events.map((e) => e.action)).toEqual([
      'policy.created',
      'policy.updated',
      'policy.deleted',
    ])
    for (const e of events)
      expect(e).toMatchObject({ kind: 'audit', user: control.id, agent: null })
    expect(events[0].metadata).toMatchObject({
      policy: { id: p.id, rule_type: 'rate_limit' },
      key: { id: control.id, name: 'ops' },
    })
    expect(events[1].metadata.changed).toEqual({ priority: { from: 10, to: 11 } })
    expect(events[2].metadata.policy).toMatchObject({ id: p.id, priority: 11 })
  })

  it('describes the endpoints in the OpenAPI document', async () => {
    const doc = (await t.json('GET', '/api/openapi.json')).body
    expect(Object.keys(doc.paths['/api/v1/policies'])).toEqual(['post', 'get', 'patch', 'delete'])
    expect(Object.keys(doc.paths['/api/v1/policies/{id}'])).toEqual(['get', 'patch', 'delete'])
    expect(doc.components.schemas.NewPolicy.properties.rule_type.enum).toHaveLength(6)
  })
})
