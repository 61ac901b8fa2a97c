// The control plane benchmark's workload: ten policies and two budgets of the kind an org would
// keep, none of which refuses the traffic sent, and that traffic: 20 agents, 4 services, inputs of
// about 1 KB that every payload pattern has to scan to the end.
import { rng } from './workload.js'

export const AGENTS = 20
const SERVICES = ['openai', 'search', 'crm', 'email']
const CHECKED = ['chat', 'query', 'lookup', 'send']
// Reported actions have names no check used, so no check's permit covers them: each is judged in full.
const REPORTED = ['summarize', 'fetch', 'update', 'draft']

/** Policy bodies for `POST /api/v1/policies`. The first eight apply to every action in production. */
export const POLICIES = [
  {
    name: 'org rate',
    rule_type: 'rate_limit',
    rule_config: { max_actions: 1_000_000, window_seconds: 60 },
    priority: 100,
  },
  {
    name: 'known services',
    rule_type: 'service_allowlist',
    rule_config: { services: [...SERVICES, 'anthropic', 'calendar', 'payments-live'] },
    priority: 90,
  },
  {
    name: 'dangerous services',
    rule_type: 'service_blocklist',
    rule_config: { services: ['shell', 'prod-db'] },
    priority: 80,
  },
  {
    name: 'cost ceiling',
    rule_type: 'cost_limit_per_action',
    rule_config: { max_cost_cents: 1_000 },
    priority: 70,
  },
  {
    name: 'secrets',
    rule_type: 'payload_regex_block',
    rule_config: {
      patterns: [
        '\\b(?:\\d[ -]?){13,16}\\b',
        '\\b\\d{3}-\\d{2}-\\d{4}\\b',
        'AKIA[0-9A-Z]{16}',
        '-----BEGIN [A-Z ]*PRIVATE KEY-----',
        '\\bsk-[A-Za-z0-9]{20,}',
      ],
    },
    priority: 60,
  },
  {
    name: 'prompt injection and destructive commands',
    rule_type: 'payload_regex_block',
    rule_config: {
      patterns: [
        'ignore (?:all )?previous instructions',
        'drop\\s+table',
        'rm\\s+-rf\\s+/',
        'password\\s*[:=]',
        '<script\\b',
      ],
      fields: ['input'],
      case_insensitive: true,
    },
    priority: 50,
  },
  {
    name: 'refunds',
    rule_type: 'require_approval',
    rule_config: { services: ['payments-live'], actions: ['refund'] },
    priority: 40,
  },
  {
    name: 'no deploys from production agents',
    environment: 'production',
    rule_type: 'service_blocklist',
    rule_config: { services: ['deploy'] },
    priority: 30,
  },
  {
    name: 'agent-0 cost',
    agent_name: 'agent-0',
    rule_type: 'cost_limit_per_action',
    rule_config: { max_cost_cents: 200 },
    priority: 20,
  },
  {
    name: 'agent-1 hourly rate',
    agent_name: 'agent-1',
    rule_type: 'rate_limit',
    rule_config: { max_actions: 1_000_000, window_seconds: 3_600 },
    priority: 10,
  },
]

/** Budget bodies for `POST /api/v1/budgets`: one agent's and the whole environment's, far above any run. */
export const BUDGETS = [
  {
    agent_name: 'agent-0',
    period: 'daily',
    max_actions: 1_000_000_000,
    max_cost_cents: 1_000_000_000,
  },
  { period: 'monthly', max_actions: 1_000_000_000_000, max_cost_cents: 100_000_000_000 },
]

// Words of 3 to 8 letters: no digits, so no pattern above matches and each scans the whole text.
function text(rand, chars) {
  let out = ''
  while (out.length < chars) {
    const n = 3 + Math.floor(rand() * 6)
    for (let i = 0; i < n; i++) out += String.fromCharCode(97 + Math.floor(rand() * 26))
    out += ' '
  }
  return out.trim()
}

/** `n` JSON bodies for `POST /api/v1/check`, as Buffers: agent i % 20, an input of about 1 KB, a cost of 1 to 50 cents. */
export function checkBodies(n, seed = 1) {
  const rand = rng(seed)
  return Array.from({ length: n }, (_, i) =>
    Buffer.from(
      JSON.stringify({
        agent: `agent-${i % AGENTS}`,
        service: SERVICES[i % SERVICES.length],
        action: CHECKED[i % CHECKED.length],
        environment: 'production',
        input: { prompt: text(rand, 950), user: `user-${i % 100}` },
        cost_cents: 1 + (i % 50),
      }),
    ),
  )
}

/** `n` JSON bodies for `POST /api/v1/actions` (AgentLedger's), with a 1 KB input and a 500-character output. */
export function actionBodies(n, seed = 2) {
  const rand = rng(seed)
  return Array.from({ length: n }, (_, i) =>
    Buffer.from(
      JSON.stringify({
        agent: `agent-${i % AGENTS}`,
        service: SERVICES[i % SERVICES.length],
        action: REPORTED[i % REPORTED.length],
        environment: 'production',
        status: 'success',
        input: { prompt: text(rand, 950), user: `user-${i % 100}` },
        output: { text: text(rand, 500) },
        cost_cents: 1 + (i % 50),
        duration_ms: 200 + (i % 800),
      }),
    ),
  )
}
