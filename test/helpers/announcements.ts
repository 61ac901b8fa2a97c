import type { Topic } from '../../packages/server/src/store/outbox-rows.js'
import type { Announcement } from '../../packages/server/src/notify/notification.js'

const at = Date.parse('2026-03-01T12:00:00.000Z')
const alert = (severity: string) => ({
  id: '0195a1b2-alert',
  org_id: 'acme',
  agent_id: null,
  agent_name: 'billing-bot',
  alert_type: 'budget_exceeded',
  severity,
  message: 'daily budget of billing-bot is used up: 120/100 actions, $5.20/$5.00',
  metadata: {},
  environment: 'production',
  acknowledged_at: null,
  created_at: '2026-03-01T12:00:00.000Z',
})

/**
 * One announcement per topic, its `data` shaped as `announcementsOf` (store/outbox-rows.ts) writes
 * it, for the agent `agent` (default billing-bot) in production.
 */
export function sampleAnnouncement(topic: Topic, agent = 'billing-bot'): Announcement {
  const base = { orgId: 'acme', topic, createdAt: at, eventId: '0195a1b2-event' }
  const action = {
    id: '0195a1b2-event',
    agent_name: agent,
    agent,
    service: 'stripe',
    action: 'charge',
    kind: 'action',
    status: topic === 'action.error' ? 'error' : 'success',
    cost_cents: 2,
    duration_ms: 120,
    environment: 'production',
    trace_id: null,
    seq: 7,
    created_at: '2026-03-01T12:00:00.000Z',
    metadata: topic === 'action.error' ? { error: 'card declined' } : {},
  }
  const data: Record<Topic, unknown> = {
    'action.logged': action,
    'action.error': action,
    'batch.logged': { count: 3, agents: [agent, 'support-bot'] },
    'agent.paused': { agent, environment: 'production', by: 'ops-key', created_at: '' },
    'agent.resumed': { agent, environment: 'production', by: 'ops-key', created_at: '' },
    'agent.killed': { agent, environment: 'production', by: 'ops-key', created_at: '' },
    'budget.warning': {
      budget_id: 'b1',
      agent,
      period: 'daily',
      current_actions: 75,
      max_actions: 100,
      current_cost_cents: 375,
      max_cost_cents: 500,
      environment: 'production',
    },
    'budget.exceeded': {
      budget_id: 'b1',
      agent,
      period: 'daily',
      current_actions: 120,
      max_actions: 100,
      current_cost_cents: 520,
      max_cost_cents: 500,
      environment: 'production',
    },
    'alert.created': { ...alert('critical'), agent_name: agent },
    'alert.resolved': { ...alert('critical'), agent_name: agent },
    'approval.requested': {
      approval_id: 'ap1',
      event_id: '0195a1b2-event',
      agent,
      service: 'stripe',
      action: 'refund',
      environment: 'production',
      reason: 'refunds need a person',
      policy_id: 'p1',
    },
    'approval.decided': {
      approval_id: 'ap1',
      status: 'approved',
      agent,
      service: 'stripe',
      action: 'refund',
      environment: 'production',
      decided_by: 'alice',
      note: null,
    },
    'policy.violation': {
      event_id: '0195a1b2-event',
      agent,
      service: 'shell',
      action: 'rm',
      environment: 'production',
      rule: 'deny shell.rm',
      reason: 'destructive commands are refused',
      policy_id: 'p2',
    },
  }
  return { ...base, data: data[topic], ...(topic === 'batch.logged' ? { eventId: null } : {}) }
}
