import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

describe.each(DIALECTS)('GET /api/v1/whoami (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  it('answers any valid key, whatever its scopes, with its org and the session’s key object', async () => {
    const cases = [
      ['org-a', ['read']],
      ['org-a', ['ingest']],
      ['org-b', ['control', 'approve']],
      ['org-c', ['admin']],
    ] as const
    for (const [org, scopes] of cases) {
      const key = await t.key(org, [...scopes])
      const res = await t.json('GET', '/api/v1/whoami', { key })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        org_id: org,
        key: { id: expect.any(String), name: 'test', prefix: key.slice(0, 10), scopes },
      })
    }
  })

  it('shows the same key object as GET /api/v1/session for a dashboard session', async () => {
    const key = await t.key('org-a', ['read', 'control'])
    const signIn = await t.request('POST', '/api/v1/session', { body: { api_key: key } })
    expect(signIn.status).toBe(201)
    const session = await signIn.json()
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!
    const res = await t.json('GET', '/api/v1/whoami', { headers: { cookie } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ org_id: 'org-a', key: session.key })
  })

  it('answers 401 without a key, with an unknown key and with a revoked one', async () => {
    const key = await t.key('org-a', ['read'])
    const { id } = (await t.json('GET', '/api/v1/whoami', { key })).body.key
    const revoked = await t.json('POST', '/api/v1/keys/revoke', {
      key: t.adminKey,
      body: { id },
    })
    expect(revoked.body).toEqual({ id, revoked: true })
    for (const sent of [undefined, 'at_' + 'x'.repeat(40), key]) {
      const res = await t.json('GET', '/api/v1/whoami', { key: sent })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('unauthorized')
    }
  })

  it('is in the OpenAPI document, open to every scope', async () => {
    const doc = (await t.json('GET', '/api/openapi.json')).body
    const op = doc.paths['/api/v1/whoami'].get
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401']))
    const del = doc.paths['/api/v1/events/{id}'].delete
    expect(Object.keys(del.responses)).toEqual(expect.arrayContaining(['200', '403', '404', '409']))
  })
})
