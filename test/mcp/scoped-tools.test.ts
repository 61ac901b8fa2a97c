import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOOL_LIST } from '@agenttrail/mcp'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { appCall, callTool, connectInProcess, toolNames } from './mcp-client.js'
import { seedTrail } from './mcp-seed.js'
import type { Seeded } from './mcp-seed.js'

const READ = [
  'agent_status',
  'cost_breakdown',
  'explain_decision',
  'get_call',
  'get_conversation',
  'get_event',
  'get_log',
  'get_stats',
  'get_trace',
  'list_alerts',
  'list_conversations',
  'list_pending_approvals',
  'log_status',
  'query_logs',
  'search_events',
  'verify_event',
  'verify_log',
]
const CONTROL = ['kill_agent', 'pause_agent', 'resume_agent']

describe.each(DIALECTS)(
  'the MCP tools each key is offered, and what they change (%s)',
  (dialect) => {
    let t: TestApp
    let seeded: Seeded
    beforeAll(async () => {
      t = await createTestApp({}, dialect)
      seeded = await seedTrail(appCall(t), t.adminKey, await t.key('org-a', ['ingest']))
    })
    afterAll(() => t.close())

    const client = async (scopes: string[], readOnly = false) =>
      connectInProcess(t, await t.key('org-a', scopes as never), { scopes, readOnly })

    it('offers a read key the read tools only, a control key pause/resume/kill, an approve key decide_approval', async () => {
      expect(await toolNames(await client(['read']))).toEqual(READ)
      expect(await toolNames(await client(['read', 'control']))).toEqual(
        [...READ, ...CONTROL].sort(),
      )
      expect(await toolNames(await client(['read', 'approve']))).toEqual(
        [...READ, 'decide_approval'].sort(),
      )
      expect(await toolNames(await client(['ingest']))).toEqual(['ingest_log'])
    })

    it('offers an admin key every tool, and a read-only server no tool that writes', async () => {
      expect(await toolNames(await client(['admin']))).toEqual(TOOL_LIST.map((x) => x.name).sort())
      expect(await toolNames(await client(['admin'], true))).toEqual(READ)
    })

    it('describes each tool with an output schema and annotations', async () => {
      const { tools } = await (await client(['admin'])).listTools()
      for (const tool of tools) {
        expect(tool.description?.length, tool.name).toBeGreaterThan(40)
        expect(tool.outputSchema?.type, tool.name).toBe('object')
        expect(tool.annotations, tool.name).toMatchObject({ openWorldHint: false })
      }
      const byName = Object.fromEntries(tools.map((x) => [x.name, x.annotations]))
      expect(byName.search_events).toMatchObject({ readOnlyHint: true, destructiveHint: false })
      expect(byName.kill_agent).toMatchObject({ readOnlyHint: false, destructiveHint: true })
      expect(byName.pause_agent).toMatchObject({ destructiveHint: true })
      expect(byName.decide_approval).toMatchObject({ destructiveHint: true })
      expect(byName.delete_log).toMatchObject({ destructiveHint: true })
      expect(byName.ingest_log).toMatchObject({ readOnlyHint: false, destructiveHint: false })
    })

    it('logs through ingest_log into the trail, where query_logs finds it', async () => {
      const writer = await client(['ingest', 'read'])
      const r = await callTool(writer, 'ingest_log', {
        agent: 'gpt-4o',
        action: 'summarize',
        status: 'error',
        input: 'Summarize the incident',
        output: { text: 'failed' },
        tokens: 42,
        latency_ms: 900,
        user: 'ops@example.com',
      })
      expect(r.isError).toBe(false)
      expect(r.structured).toMatchObject({ id: expect.any(String), status: 'ingested' })
      expect(r.text).toContain(r.structured.id)
      const found = await callTool(writer, 'query_logs', { action: 'summarize' })
      expect(found.structured.logs).toEqual([
        expect.objectContaining({
          id: r.structured.id,
          status: 'error',
          tokens: 42,
          latency_ms: 900,
          user: 'ops@example.com',
          input: 'Summarize the incident',
        }),
      ])
      const bad = await callTool(writer, 'ingest_log', { agent: 'gpt-4o' })
      expect(bad.isError).toBe(true)
      expect(bad.text).toMatch(/action/)
    })

    it('pauses, resumes and kills an agent, and the trail records each change', async () => {
      const ops = await client(['read', 'control'])
      const paused = await callTool(ops, 'pause_agent', { name: 'mailer' })
      expect(paused.structured).toMatchObject({
        agent: 'mailer',
        environment: 'production',
        status: 'paused',
        changed: true,
      })
      expect((await callTool(ops, 'pause_agent', { name: 'mailer' })).structured.changed).toBe(
        false,
      )
      const status = await callTool(ops, 'agent_status', { name: 'mailer' })
      expect(status.structured.agents[0].status).toBe('paused')
      expect((await callTool(ops, 'resume_agent', { name: 'mailer' })).structured.status).toBe(
        'active',
      )
      const killed = await callTool(ops, 'kill_agent', { name: 'researcher' })
      expect(killed.text).toBe('researcher (production) is now killed.')
      const again = await callTool(ops, 'resume_agent', { name: 'researcher' })
      expect(again.isError).toBe(true)
      expect(again.text).toMatch(/409 agent_killed/)
      const audit = await callTool(ops, 'search_events', { kind: 'audit', limit: 10 })
      expect(audit.structured.events.length).toBeGreaterThanOrEqual(3)
    })

    it('decides a pending approval with an approve key, and the server’s refusals come back as tool errors', async () => {
      const approver = await client(['read', 'approve'])
      const r = await callTool(approver, 'decide_approval', {
        id: seeded.approvalId,
        decision: 'approved',
        note: 'checked with finance',
      })
      expect(r.isError).toBe(false)
      expect(r.structured.approval).toMatchObject({
        id: seeded.approvalId,
        status: 'approved',
        note: 'checked with finance',
      })
      const twice = await callTool(approver, 'decide_approval', {
        id: seeded.approvalId,
        decision: 'denied',
      })
      expect(twice.isError).toBe(true)
      expect(twice.text).toMatch(/409 already_decided/)
      expect((await callTool(approver, 'list_pending_approvals')).structured.approvals).toEqual([])
      const unknown = await callTool(approver, 'decide_approval', {
        id: 'nope',
        decision: 'denied',
      })
      expect(unknown.text).toMatch(/404/)
    })

    it('leaves the server to enforce scopes when a caller claims more than the key has', async () => {
      // A caller that passes scopes the key lacks gets the tools, but the server refuses the calls.
      const liar = await connectInProcess(t, await t.key('org-a', ['read']), { scopes: ['admin'] })
      const r = await callTool(liar, 'kill_agent', { name: 'mailer' })
      expect(r.isError).toBe(true)
      expect(r.text).toMatch(/403.*lacks the scope/s)
      expect(
        (await callTool(liar, 'agent_status', { name: 'mailer' })).structured.agents[0].status,
      ).toBe('active')
    })

    it('learns the key’s scopes from whoami when none are given', async () => {
      const fromServer = (scopes: string[]) =>
        t.key('org-a', scopes as never).then((key) => connectInProcess(t, key))
      expect(await toolNames(await fromServer(['read']))).toEqual(READ)
      expect(await toolNames(await fromServer(['read', 'control']))).toEqual(
        [...READ, ...CONTROL].sort(),
      )
      expect(await toolNames(await fromServer(['admin']))).toContain('delete_log')
    })

    it('deletes a log with an admin key; it is gone and its audit event is in the trail', async () => {
      const admin = await connectInProcess(t, t.adminKey)
      const r = await callTool(admin, 'delete_log', { id: seeded.old })
      expect(r.structured).toEqual({
        deleted: true,
        id: seeded.old,
        audit_event_id: expect.any(String),
      })
      expect(r.text).toContain(r.structured.audit_event_id)
      const gone = await callTool(admin, 'get_event', { id: seeded.old })
      expect(gone.isError).toBe(true)
      expect(gone.text).toMatch(/404/)
      const audit = await callTool(admin, 'search_events', { kind: 'audit', limit: 100 })
      expect(audit.structured.events.map((e: any) => e.id)).toContain(r.structured.audit_event_id)
      const notAdmin = await connectInProcess(t, await t.key('org-a', ['read']), {
        scopes: ['admin'],
      })
      const refused = await callTool(notAdmin, 'delete_log', { id: seeded.long })
      expect(refused.isError).toBe(true)
      expect(refused.text).toMatch(/403/)
    })
  },
)
