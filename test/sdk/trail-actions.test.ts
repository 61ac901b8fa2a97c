import { AgentTrail, AgentTrailError } from 'agenttrail'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'

const ORG = 'org-actions'

/** AgentTrail's calls that change the trail: decideApproval, deleteEvent, pause/resume/kill by environment. */
describe.each(DIALECTS)('AgentTrail’s decisions, deletions and agent controls (%s)', (dialect) => {
  let live: LiveServer
  const clients: AgentTrail[] = []
  const client = async (scopes: Parameters<LiveServer['key']>[1]) => {
    const trail = new AgentTrail({
      apiKey: await live.key(ORG, scopes),
      baseUrl: live.url,
      flushOnExit: false,
      onError: (e) => {
        throw e
      },
    })
    clients.push(trail)
    return trail
  }
  beforeAll(async () => {
    live = await startLiveServer(dialect)
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.shutdown()))
    await live.close()
  })

  it('decides an approval with a second key; the key that asked gets 403', async () => {
    const operator = await client(['control'])
    await operator.read.request('POST', '/api/v1/policies', {
      body: { agent_name: 'payer', rule_type: 'require_approval', rule_config: {} },
    })
    // The asking key may approve in general, only not its own request.
    const asker = await client(['ingest', 'approve'])
    const asked = await asker.check({ agent: 'payer', service: 'stripe', action: 'charge' })
    expect(asked).toMatchObject({ requiresApproval: true, approvalId: expect.any(String) })
    const id = asked.approvalId!

    const own = (await asker.decideApproval(id, 'approved').catch((e) => e)) as AgentTrailError
    expect(own).toBeInstanceOf(AgentTrailError)
    expect(own).toMatchObject({ status: 403, code: 'forbidden' })
    expect(own.message).toContain('the key that requested this approval cannot decide it')

    const approver = await client(['approve'])
    const decided = await approver.decideApproval(id, 'denied', {
      decidedBy: 'dana@example.com',
      note: 'not this month',
    })
    // The server says which key decided; `decidedBy` is who the person says they are.
    expect(decided).toMatchObject({
      id,
      status: 'denied',
      decided_by: (await approver.read.request('GET', '/api/v1/whoami')).key.id,
      decided_by_name: 'dana@example.com',
      note: 'not this month',
    })
    expect(await asker.waitForApproval(id, { pollInterval: 20 })).toBe('denied')
    const again = (await approver.decideApproval(id, 'approved').catch((e) => e)) as AgentTrailError
    expect(again).toMatchObject({ status: 409, code: 'already_decided' })
  })

  it('deletes an event with an admin key, answering the tombstone that records it', async () => {
    const admin = await client(['admin'])
    const { id } = await admin.log({ agent: 'bot', title: 'to be deleted' })
    const answer = await admin.deleteEvent(id)
    expect(answer).toEqual({ deleted: true, id, audit_event_id: expect.any(String) })
    await expect(admin.read.event(id)).rejects.toMatchObject({ status: 404, code: 'not_found' })
    const audit = await admin.read.event(answer.audit_event_id)
    expect(audit).toMatchObject({ kind: 'audit', action: 'log.erasure' })
    expect(audit.metadata).toMatchObject({ count: 1, selector: { by: 'event', event_id: id } })

    await expect(admin.deleteEvent(id)).rejects.toMatchObject({ status: 404, code: 'not_found' })
    const audited = (await admin
      .deleteEvent(answer.audit_event_id)
      .catch((e) => e)) as AgentTrailError
    expect(audited).toMatchObject({ status: 409, code: 'audit_event' })
    expect(audited.message).toMatch(/\(409 audit_event\): audit events .* cannot be deleted/)

    const { id: kept } = await admin.log({ agent: 'bot', title: 'kept' })
    const reader = await client(['read', 'control', 'approve', 'ingest'])
    await expect(reader.deleteEvent(kept)).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    expect((await admin.read.event(kept)).title).toBe('kept')
  })

  it('pauses, resumes and kills an agent in the environment named, not the client’s', async () => {
    const control = await client(['control', 'read'])
    const status = async (name: string) =>
      Object.fromEntries(
        ((await control.read.agent(name)).environments as Array<Record<string, string>>).map(
          (row) => [row.environment, row.status],
        ),
      )
    expect(await control.pauseAgent('worker', { environment: 'staging' })).toEqual({
      status: 'paused',
      agent: 'worker',
      environment: 'staging',
      changed: true,
      // Not seen in staging yet: registered in that status.
      registered: true,
    })
    expect(await status('worker')).toEqual({ staging: 'paused' })
    expect(
      (await control.read.agent('worker', { environment: 'staging' })).environments,
    ).toMatchObject([{ environment: 'staging', status: 'paused' }])
    expect(await control.pauseAgent('worker', { environment: 'staging' })).toMatchObject({
      status: 'paused',
      changed: false,
    })
    expect(await control.resumeAgent('worker', { environment: 'staging' })).toMatchObject({
      status: 'active',
      changed: true,
      registered: false,
    })
    await control.pauseAgent('worker', { environment: 'staging' })
    await control.pauseAgent('worker')
    expect(await status('worker')).toEqual({ staging: 'paused', production: 'paused' })
    await control.resumeAgent('worker', { environment: 'staging' })
    expect(await status('worker')).toEqual({ staging: 'active', production: 'paused' })
    expect(await control.killAgent('worker', { environment: 'staging' })).toMatchObject({
      status: 'killed',
      changed: true,
    })
    expect(await status('worker')).toEqual({ staging: 'killed', production: 'paused' })
    await expect(control.resumeAgent('worker', { environment: 'staging' })).rejects.toMatchObject({
      status: 409,
      code: 'agent_killed',
    })
    const reader = await client(['read'])
    await expect(reader.pauseAgent('worker', { environment: 'qa' })).rejects.toMatchObject({
      status: 403,
    })
  })
})
