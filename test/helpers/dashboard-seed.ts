import { seedConversations } from './dashboard-conversations.js'
import {
  SEED_AGENTS,
  SEED_IDS,
  backgroundEvents,
  checkoutTrace,
  hostileEvent,
  violatingEvent,
} from './dashboard-seed-data.js'
import { startLiveServer } from './live-server.js'
import type { LiveServer } from './live-server.js'
import type { Dialect } from './test-app.js'

export { HOSTILE_IMG, HOSTILE_SCRIPT, SEED_AGENTS } from './dashboard-seed-data.js'

/** The org the seed fills. */
export const SEED_ORG = 'org-dashboard'

/** What a seeded server answers with: where it is, its keys, and the ids the tests look for. */
export interface DashboardSeed {
  live: LiveServer
  url: string
  orgId: string
  /** Scope `admin`: everything, approving the pending approval included (another key asked). */
  adminKey: string
  /** Scope `read` only. */
  readKey: string
  /** Scope `ingest`: the key the agents use; it asked for the approval. */
  ingestKey: string
  agents: typeof SEED_AGENTS
  environments: readonly ['production', 'staging']
  /** Every event the seed sent (audit events the server records for changes come on top). */
  eventCount: number
  /** Conversation ids: an Anthropic loop in production, an OpenAI loop in staging. */
  conversationIds: readonly string[]
  traceId: string
  /** The event whose title and payload carry `<script>` and `<img onerror>`. */
  scriptEventId: string
  /** A pending approval of billing-agent's `stripe` `refund`. */
  approvalId: string
  /** The event reported on the blocked service, recorded with a violation. */
  violationEventId: string
  policyIds: { requireApproval: string; blocklist: string }
  budgetId: string
  alertRuleId: string
  /** Paused, so nothing is ever sent off the machine; a test may enable it. */
  webhookId: string
  /** Events that have an evaluation. */
  evaluatedEventIds: string[]
  close(): Promise<void>
}

/** Events per batch request: the batch endpoint takes up to 1,000. */
const BATCH = 1000

/**
 * Starts the real server (SQLite in memory, or a fresh PostgreSQL database) and fills one org
 * through the public HTTP API only, so it works on any store: keys, about 330 events over 8 days
 * in two environments, two conversations, a trace with parallel spans, a hostile payload, two
 * policies, a budget, a pending approval, an alert (from a violation) and an alert rule,
 * evaluations and a webhook.
 */
export async function seedDashboard(
  options: { dialect?: Dialect; events?: number; env?: Record<string, string> } = {},
): Promise<DashboardSeed> {
  // `env`: more server settings, e.g. AGENTTRAIL_OUTBOUND_ALLOW for receivers on loopback.
  const live = await startLiveServer(options.dialect ?? 'sqlite', options.env)
  try {
    return await seed(live, options.events ?? 300)
  } catch (error) {
    await live.close()
    throw error
  }
}

async function seed(live: LiveServer, background: number): Promise<DashboardSeed> {
  const adminKey = await live.key(SEED_ORG, ['admin'])
  const api = client(live.url)
  const newKey = async (name: string, scopes: string) =>
    (await api(adminKey, 'POST', '/api/v1/keys/create', { name, scopes }, 201)).key as string
  const readKey = await newKey('dashboard reader', 'read')
  const ingestKey = await newKey('agents', 'ingest')

  // Policies first: the reported events are judged by them.
  const policy = async (body: object) =>
    (await api(adminKey, 'POST', '/api/v1/policies', body, 201)).policy.id as string
  const policyIds = {
    requireApproval: await policy({
      name: 'Refunds need a person',
      agent_name: SEED_AGENTS.billing,
      rule_type: 'require_approval',
      rule_config: { services: ['stripe'], actions: ['refund'] },
    }),
    blocklist: await policy({
      name: 'No shell',
      rule_type: 'service_blocklist',
      rule_config: { services: [SEED_IDS.blockedService] },
    }),
  }
  const budget = await api(
    adminKey,
    'POST',
    '/api/v1/budgets',
    { agent_name: SEED_AGENTS.billing, period: 'monthly', max_cost_cents: 50_000 },
    201,
  )

  const now = Date.now()
  const special = [hostileEvent(now), violatingEvent(now)]
  const events = [
    ...special,
    ...seedConversations(now),
    ...checkoutTrace(now),
    ...backgroundEvents(now, background),
  ]
  const ids: string[] = []
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH)
    const receipt = await api(ingestKey, 'POST', '/api/v1/events/batch', { events: batch }, 201)
    for (const accepted of receipt.accepted as Array<{ id: string }>) ids.push(accepted.id)
  }

  const check = await api(ingestKey, 'POST', '/api/v1/check', {
    agent: SEED_AGENTS.billing,
    environment: 'production',
    service: 'stripe',
    action: 'refund',
    input: { order: 'A-4821', amount_cents: 12_900 },
  })
  if (!check.requiresApproval) throw new Error(`seed: the refund check was not held for approval`)

  const rule = await api(
    adminKey,
    'POST',
    '/api/v1/alert-rules',
    { name: 'Error rate above 20%', metric: 'error_rate', alert: 0.2, warning: 0.1 },
    201,
  )
  // Every 40th background event gets a score; the first conversation's answer too.
  const evaluatedEventIds = [ids[special.length + 4]!, ...ids.filter((_, i) => i % 40 === 39)]
  for (const [n, eventId] of evaluatedEventIds.entries()) {
    await api(
      adminKey,
      'POST',
      '/api/v1/evaluations',
      {
        event_id: eventId,
        score: [92, 40, 75, 60, 88][n % 5],
        label: n % 2 ? 'helpful' : 'needs work',
        feedback: 'Reviewed by the support lead.',
        evaluated_by: 'carol@example.com',
      },
      201,
    )
  }
  const hook = await api(adminKey, 'POST', '/api/v1/webhooks', {
    url: 'https://hooks.example.com/agenttrail',
    events: ['budget.exceeded', 'agent.killed'],
    description: 'On-call channel',
  })
  await api(adminKey, 'PATCH', `/api/v1/webhooks/${hook.id}`, { enabled: false })

  return {
    live,
    url: live.url,
    orgId: SEED_ORG,
    adminKey,
    readKey,
    ingestKey,
    agents: SEED_AGENTS,
    environments: ['production', 'staging'],
    eventCount: events.length,
    conversationIds: SEED_IDS.conversations,
    traceId: SEED_IDS.trace,
    scriptEventId: ids[0]!,
    approvalId: check.approvalId,
    violationEventId: ids[1]!,
    policyIds,
    budgetId: budget.id,
    alertRuleId: rule.rule.id,
    webhookId: hook.id,
    evaluatedEventIds,
    close: () => live.close(),
  }
}

/**
 * A JSON client that fails loudly: an answer other than `expected` (default 200) throws with the
 * request and the answer's body, so a change in the API shows up as a seed error, not as a
 * dashboard test that finds nothing.
 */
function client(base: string) {
  return async (key: string, method: string, path: string, body?: object, expected = 200) => {
    const res = await fetch(new URL(path, base), {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body && { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (res.status !== expected) {
      throw new Error(`seed: ${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`)
    }
    return (text ? JSON.parse(text) : null) as any
  }
}
