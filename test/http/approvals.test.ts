import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

describe.each(DIALECTS)('approvals (%s)', (dialect) => {
  let t: TestApp
  let agentKey: string
  let approver: string
  let reader: string
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
    agentKey = await t.key('org-a', ['ingest'])
    approver = await t.key('org-a', ['approve', 'read'])
    reader = await t.key('org-a', ['read'])
    const res = await t.json('POST', '/api/v1/policies', {
      key: t.adminKey,
      body: {
        rule_type: 'require_approval',
        rule_config: { services: ['stripe'], actions: ['charge'] },
      },
    })
    expect(res.status).toBe(201)
  })
  afterEach(() => t.close())

  const charge = { agent: 'billing', service: 'stripe', action: 'charge', input: { amount: 5000 } }
  const check = (body: Record<string, unknown> = charge, key = agentKey) =>
    t.json('POST', '/api/v1/check', { key, body })
  const decide = (id: string, body: Record<string, unknown>, key = approver) =>
    t.json('PATCH', `/api/v1/approvals/${id}`, { key, body })

  it('asks for one approval per exact action, and gives the same one while it is pending', async () => {
    const first = await check()
    expect(first.body).toMatchObject({
      allowed: false,
      requiresApproval: true,
      approvalId: expect.any(String),
      rule: 'require_approval',
    })
    expect(first.body.blockReason).toBeUndefined()
    const again = await check()
    expect(again.body.approvalId).toBe(first.body.approvalId)
    // Another input is another action; another service or action is not gated at all.
    expect((await check({ ...charge, input: { amount: 1 } })).body.approvalId).not.toBe(
      first.body.approvalId,
    )
    expect((await check({ ...charge, action: 'refund' })).body.allowed).toBe(true)
    const pending = await t.json('GET', '/api/v1/approvals?status=pending', { key: reader })
    expect(pending.body.approvals).toHaveLength(2)
    const one = await t.json('GET', `/api/v1/approvals/${first.body.approvalId}`, { key: agentKey })
    expect(one.body).toMatchObject({
      id: first.body.approvalId,
      status: 'pending',
      agent_name: 'billing',
      service: 'stripe',
      action: 'charge',
      input: { amount: 5000 },
      requested_by: expect.any(String),
      decided_by: null,
    })
    // The request is in the trail as a pending event pointing at the approval.
    const event = (await t.json('GET', `/api/v1/events/${one.body.event_id}`, { key: t.adminKey }))
      .body
    expect(event).toMatchObject({
      status: 'pending',
      control: { decision: 'approval_required', approval_id: first.body.approvalId },
    })
  })

  it('lets the approved action through exactly once, then asks again', async () => {
    const { approvalId } = (await check()).body
    const decided = await decide(approvalId, {
      status: 'approved',
      decided_by: 'ana@example.com',
      note: 'ok for this customer',
    })
    expect(decided.status).toBe(200)
    expect(decided.body.approval).toMatchObject({
      status: 'approved',
      decided_by_name: 'ana@example.com',
      decided_by: expect.any(String),
    })
    expect((await check()).body).toEqual({ allowed: true, remainingBudget: {} })
    const used = (await t.json('GET', `/api/v1/approvals/${approvalId}`, { key: reader })).body
    expect(used.used_at).not.toBeNull()
    // The record of the approved action is not a violation: the check decided it.
    const logged = await t.json('POST', '/api/v1/actions', { key: agentKey, body: charge })
    expect(logged).toMatchObject({ status: 200, body: { logged: true } })
    const next = await check()
    expect(next.body).toMatchObject({ allowed: false, requiresApproval: true })
    expect(next.body.approvalId).not.toBe(approvalId)
    const audit = (await t.json('GET', '/api/v1/events?kind=audit', { key: t.adminKey })).body
      .events
    expect(audit.find((e: { action: string }) => e.action === 'approval.approved')).toMatchObject({
      metadata: { approval_id: approvalId, decided_by_name: 'ana@example.com' },
    })
  })

  it('keeps a denied approval denied and refuses a second decision with 409', async () => {
    const { approvalId } = (await check()).body
    expect((await decide(approvalId, { status: 'denied' })).body.approval.status).toBe('denied')
    const twice = await decide(approvalId, { status: 'approved' })
    expect(twice).toMatchObject({
      status: 409,
      body: { error: 'Approval request already denied', code: 'already_decided' },
    })
    // A new check asks anew (the denied request stays denied).
    expect((await check()).body.approvalId).not.toBe(approvalId)
  })

  it('accepts AgentLedger’s body form on PATCH /api/v1/approvals', async () => {
    const { approvalId } = (await check()).body
    const res = await t.json('PATCH', '/api/v1/approvals', {
      key: approver,
      body: { id: approvalId, decision: 'approved', decided_by: 'ops' },
    })
    expect(res.body.approval).toMatchObject({
      id: approvalId,
      status: 'approved',
      decided_by_name: 'ops',
    })
    expect(
      (
        await t.json('PATCH', '/api/v1/approvals', {
          key: approver,
          body: { decision: 'approved' },
        })
      ).status,
    ).toBe(400)
  })

  it('needs the approve scope, and never lets the requesting key decide', async () => {
    const { approvalId } = (await check(charge, t.adminKey)).body
    const own = await decide(approvalId, { status: 'approved' }, t.adminKey)
    expect(own.status).toBe(403)
    expect(own.body.error).toMatch(/requested this approval cannot decide it/)
    expect((await decide(approvalId, { status: 'approved' }, reader)).status).toBe(403)
    expect((await decide(approvalId, { status: 'approved' }, agentKey)).status).toBe(403)
    expect((await decide(approvalId, { status: 'approved' })).status).toBe(200)
  })

  it('expires an undecided request: 410 on decision, expired when read, and a new request after', async () => {
    await t.json('POST', '/api/v1/policies', {
      key: t.adminKey,
      body: {
        rule_type: 'require_approval',
        rule_config: { services: ['bank'], expires_in_seconds: 1 },
        priority: 5,
      },
    })
    const { approvalId } = (await check({ agent: 'billing', service: 'bank', action: 'wire' })).body
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect(
      (await t.json('GET', `/api/v1/approvals/${approvalId}`, { key: reader })).body.status,
    ).toBe('expired')
    expect(
      (await t.json('GET', '/api/v1/approvals?status=expired', { key: reader })).body.approvals,
    ).toHaveLength(1)
    expect(await decide(approvalId, { status: 'approved' })).toMatchObject({
      status: 410,
      body: { error: 'Approval request has expired' },
    })
    const again = await check({ agent: 'billing', service: 'bank', action: 'wire' })
    expect(again.body.approvalId).not.toBe(approvalId)
  })

  it('flags an after-the-fact action that needed an approval, and accepts it when one was given for it', async () => {
    const unapproved = await t.json('POST', '/api/v1/actions', { key: agentKey, body: charge })
    expect(unapproved).toMatchObject({
      status: 403,
      body: {
        logged: true,
        blocked: true,
        requiresApproval: true,
        reason: 'Approval required by policy',
      },
    })
    const { approvalId } = (await check()).body
    await decide(approvalId, { status: 'approved' })
    // Reported directly (no check before it): the approval of exactly this action covers it, once.
    expect((await t.json('POST', '/api/v1/actions', { key: agentKey, body: charge })).status).toBe(
      200,
    )
    expect((await t.json('POST', '/api/v1/actions', { key: agentKey, body: charge })).status).toBe(
      403,
    )
  })

  it('answers bad requests clearly', async () => {
    const { approvalId } = (await check()).body
    expect((await decide(approvalId, {})).body.error).toMatch(/^status/)
    expect((await decide(approvalId, { status: 'maybe' })).status).toBe(400)
    expect((await decide(approvalId, { status: 'approved', decision: 'denied' })).status).toBe(400)
    expect((await decide(approvalId, { status: 'approved', extra: 1 })).status).toBe(400)
    expect((await decide('nope', { status: 'approved' })).status).toBe(404)
    expect((await t.json('GET', '/api/v1/approvals/nope', { key: reader })).status).toBe(404)
    expect((await t.json('GET', '/api/v1/approvals?status=weird', { key: reader })).status).toBe(
      400,
    )
    expect((await t.json('GET', '/api/v1/approvals?limit=0', { key: reader })).status).toBe(400)
    const other = await t.key('org-b', ['admin'])
    expect((await t.json('GET', `/api/v1/approvals/${approvalId}`, { key: other })).status).toBe(
      404,
    )
    expect((await decide(approvalId, { status: 'approved' }, other)).status).toBe(404)
  })
})
