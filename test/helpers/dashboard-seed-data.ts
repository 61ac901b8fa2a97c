import { seeded } from './events.js'

/** The seeded agents, by the environment they work in. */
export const SEED_AGENTS = {
  writer: 'writer-bot',
  support: 'support-bot',
  billing: 'billing-agent',
  research: 'research-agent',
} as const

/** Ids the dashboard tests look for. */
export const SEED_IDS = {
  conversations: ['conv-weekly-roundup', 'conv-refund-4821'],
  trace: 'trace-checkout-7f3a',
  /** The service a `service_blocklist` policy forbids; one reported event uses it. */
  blockedService: 'shell',
} as const

/** A `<script>` and an `<img onerror>` that must render as text, never run. */
export const HOSTILE_SCRIPT = '<script>window.__pwned=1</script>'
export const HOSTILE_IMG = '<img src=x onerror="window.__pwned=2">'

type Event = Record<string, unknown>

const HOUR = 3_600_000
const iso = (ms: number) => new Date(ms).toISOString()

/** Who does what: agent, environment, and the services and actions it calls. */
const WORKERS = [
  { agent: SEED_AGENTS.writer, env: 'production', services: ['github', 'blog'] },
  { agent: SEED_AGENTS.support, env: 'production', services: ['zendesk', 'postgres'] },
  { agent: SEED_AGENTS.support, env: 'staging', services: ['zendesk', 'postgres'] },
  { agent: SEED_AGENTS.billing, env: 'production', services: ['stripe', 'postgres'] },
  { agent: SEED_AGENTS.research, env: 'staging', services: ['arxiv', 'slack'] },
]
const ACTIONS: Record<string, string[]> = {
  github: ['open_pr', 'comment'],
  blog: ['publish', 'draft'],
  zendesk: ['reply', 'tag_ticket'],
  postgres: ['query'],
  stripe: ['create_invoice', 'lookup_customer'],
  arxiv: ['search'],
  slack: ['post_message'],
}
const MODELS = [
  { provider: 'anthropic', model: 'claude-sonnet-4-5' },
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'openai', model: 'gpt-4o' },
]
const REGIONS = ['eu-west-1', 'us-east-1']
const TIERS = ['free', 'team', 'enterprise']
const USERS = ['alice@example.com', 'bob@example.com', 'carol@example.com']

/**
 * `count` events spread over the 8 days before `now`, deterministic for a seed: actions, LLM,
 * tool and HTTP calls; about 8% errors; costs, durations, tokens, metadata keys and tags.
 */
export function backgroundEvents(now: number, count: number, seed = 14): Event[] {
  const random = seeded(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const events: Event[] = []
  for (let i = 0; i < count; i++) {
    const worker = pick(WORKERS)
    const service = pick(worker.services)
    // A minute of headroom so no event is in the future of the server's clock.
    const ts = now - 60_000 - Math.floor(random() * 8 * 24 * HOUR)
    const error = random() < 0.08
    const roll = random()
    const base: Event = {
      ts: iso(ts),
      agent: worker.agent,
      environment: worker.env,
      user: pick(USERS),
      status: error ? 'error' : 'success',
      duration_ms: Math.floor(20 + random() * (roll < 0.35 ? 4000 : 600)),
      metadata: { region: pick(REGIONS), customer_tier: pick(TIERS), request_id: `req-${i}` },
      tags: [worker.env === 'production' ? 'prod' : 'pre-prod', service],
      ...(error && { error: { message: `${service} answered 502`, code: 'upstream_error' } }),
    }
    if (roll < 0.35) {
      const { provider, model } = pick(MODELS)
      events.push({
        ...base,
        kind: 'llm_call',
        provider,
        model,
        title: `Plan the next ${service} step`,
        tokens_input: Math.floor(200 + random() * 3000),
        tokens_output: Math.floor(50 + random() * 800),
      })
    } else if (roll < 0.55) {
      events.push({ ...base, kind: 'http_call', service, action: 'POST', output: { status: 200 } })
    } else {
      const action = pick(ACTIONS[service]!)
      const cost = service === 'stripe' ? { cost_usd: (random() * 0.05).toFixed(4) } : {}
      events.push({ ...base, kind: 'action', service, action, input: { step: i }, ...cost })
    }
  }
  return events
}

/** One checkout: a root span, three checks that run at once, then the charge. */
export function checkoutTrace(now: number): Event[] {
  const start = now - 2 * HOUR
  const span = (id: string, parent: string | null, at: number, ms: number, fields: Event) => ({
    ts: iso(start + at),
    trace_id: SEED_IDS.trace,
    span_id: id,
    ...(parent && { parent_span_id: parent }),
    agent: SEED_AGENTS.billing,
    environment: 'production',
    duration_ms: ms,
    ...fields,
  })
  return [
    span('root', null, 0, 2400, { action: 'checkout', service: 'shop', title: 'Checkout A-4821' }),
    span('inv', 'root', 50, 900, { action: 'reserve_stock', service: 'inventory' }),
    span('fraud', 'root', 55, 1300, { action: 'score', service: 'fraud', status: 'error' }),
    span('tax', 'root', 60, 700, { action: 'quote', service: 'tax' }),
    span('charge', 'root', 1400, 950, {
      action: 'create_invoice',
      service: 'stripe',
      cost_usd: '0.0300',
    }),
  ]
}

/** An event whose title and payload carry markup that must never be interpreted. */
export function hostileEvent(now: number): Event {
  return {
    ts: iso(now - 30 * 60_000),
    agent: SEED_AGENTS.support,
    environment: 'production',
    kind: 'message',
    service: 'zendesk',
    action: 'reply',
    title: `Customer wrote ${HOSTILE_IMG}`,
    input: { message: HOSTILE_SCRIPT, html: HOSTILE_IMG },
    output: `Echo: ${HOSTILE_SCRIPT}`,
    metadata: { note: HOSTILE_IMG },
  }
}

/** A reported action on the blocked service: recorded with a violation note, raising an alert. */
export function violatingEvent(now: number): Event {
  return {
    ts: iso(now - 20 * 60_000),
    agent: SEED_AGENTS.research,
    environment: 'staging',
    service: SEED_IDS.blockedService,
    action: 'rm -rf ./cache',
    input: { cwd: '/srv/research' },
  }
}
