import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'

/** Sends one request with a key and answers the status and JSON body. */
export type Call = (
  method: string,
  path: string,
  key: string,
  body?: unknown,
) => Promise<{ status: number; body: any }>

/** What `seedTrail` wrote, for the assertions. */
export interface Seeded {
  /** mailer/email_draft, success, 1 h ago, trace tr-mcp, a 3,000-character input ending in END. */
  long: string
  /** mailer/email_draft, error, 2 h ago, same trace. */
  failed: string
  /** researcher llm_call in conversation conv-mcp, 30 min ago. */
  llm: string
  /** researcher tool_call web_search in conv-mcp. */
  tool: string
  /** mailer/weekly, 3 days ago: outside the default 24 hours. */
  old: string
  /** The denied check of billing (service_blocklist policy). */
  denied: string
  policyId: string
  approvalId: string
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString()
const HOUR = 3_600_000

/**
 * A small trail through the real API: five events, a blocklist policy and a denied check, and a
 * pending approval asked by an ingest key (so the admin key may decide it).
 */
export async function seedTrail(call: Call, adminKey: string, ingestKey: string): Promise<Seeded> {
  const ids = {
    long: randomUUID(),
    failed: randomUUID(),
    llm: randomUUID(),
    tool: randomUUID(),
    old: randomUUID(),
  }
  const events = [
    {
      id: ids.long,
      ts: ago(HOUR),
      agent: 'mailer',
      action: 'email_draft',
      status: 'success',
      model: 'gpt-4o',
      trace_id: 'tr-mcp',
      user: 'ana@example.com',
      input: `${'x'.repeat(3000)}END`,
      output: 'Subject: Following up',
      tokens_total: 312,
      cost_usd: 0.01,
      duration_ms: 1842,
    },
    {
      id: ids.failed,
      ts: ago(2 * HOUR),
      agent: 'mailer',
      action: 'email_draft',
      status: 'error',
      model: 'gpt-4o-mini',
      trace_id: 'tr-mcp',
      error: { message: 'smtp down' },
      tokens_total: 100,
      cost_usd: 0.002,
    },
    {
      id: ids.llm,
      ts: ago(HOUR / 2),
      agent: 'researcher',
      kind: 'llm_call',
      model: 'claude-sonnet-4',
      conversation_id: 'conv-mcp',
      messages: [{ role: 'user', content: 'Find papers on audit trails' }],
      output: 'Here are three papers.',
      tokens_input: 50,
      tokens_output: 20,
      cost_usd: 0.05,
    },
    {
      id: ids.tool,
      ts: ago(HOUR / 2 - 1000),
      agent: 'researcher',
      kind: 'tool_call',
      action: 'web_search',
      conversation_id: 'conv-mcp',
      input: { query: 'audit trails' },
      output: { hits: 3 },
    },
    { id: ids.old, ts: ago(72 * HOUR), agent: 'mailer', action: 'weekly', status: 'success' },
  ]
  const batch = await call('POST', '/api/v1/events/batch', adminKey, { events })
  expect(batch.status).toBe(201)

  const policy = await call('POST', '/api/v1/policies', adminKey, {
    name: 'no payments',
    agent_name: 'billing',
    rule_type: 'service_blocklist',
    rule_config: { services: ['stripe'] },
  })
  expect(policy.status).toBe(201)
  const check = await call('POST', '/api/v1/check', ingestKey, {
    agent: 'billing',
    service: 'stripe',
    action: 'charge',
  })
  expect(check.body).toMatchObject({ allowed: false, eventId: expect.any(String) })

  const gate = await call('POST', '/api/v1/policies', adminKey, {
    rule_type: 'require_approval',
    rule_config: { services: ['bank'], actions: ['wire'] },
  })
  expect(gate.status).toBe(201)
  const ask = await call('POST', '/api/v1/check', ingestKey, {
    agent: 'treasurer',
    service: 'bank',
    action: 'wire',
    input: { amount: 900 },
  })
  expect(ask.body).toMatchObject({ requiresApproval: true, approvalId: expect.any(String) })
  return {
    ...ids,
    denied: check.body.eventId as string,
    policyId: policy.body.policy.id as string,
    approvalId: ask.body.approvalId as string,
  }
}
