import type { Answer, StatsQuery } from 'agenttrail'
import { commandFlags, printHelp, wholeNumber } from './command-flags.js'
import { EXIT, usage } from './exit-codes.js'
import { withRemote } from './remote-client.js'
import { REMOTE_OPTIONS } from './remote-target.js'
import { safeJson } from './safe-text.js'
import { count, percent, textTable, usd } from './text-table.js'
import { INSTANT_FORMS, parseInstant } from './time-arg.js'

const OPTIONS = {
  ...REMOTE_OPTIONS,
  days: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  agent: { type: 'string' },
  environment: { type: 'string' },
  top: { type: 'string' },
  json: { type: 'boolean' },
} as const

export const STATS_HELP = `Usage: agenttrail stats [--days N | --from TIME [--to TIME]] [--agent NAME] [--environment ENV] [--top N] [--json]

A summary of a period (GET /api/v1/stats): events, success, error, denied and pending rates,
latency (average, p50, p95), tokens, cost, and the top agents, models and services.

  --days N                the last N days (default 30)
  --from TIME, --to TIME  ${INSTANT_FORMS}; --to defaults to now
  --agent NAME            one agent
  --environment ENV       one environment (default: all)
  --top N                 rows per breakdown (default 5)
  --json                  the server's answer as JSON

Server: --url URL (AGENTTRAIL_URL, default http://127.0.0.1:7878), --key KEY (AGENTTRAIL_API_KEY),
a key with the read scope.
Exit codes: 0 done, 2 bad flags, 3 server unreachable, 4 key refused.
`

/** `agenttrail stats`: the period's totals and breakdowns, readable or as JSON. */
export async function statsCommand(args: string[]): Promise<number> {
  const parsed = commandFlags(args, OPTIONS, 'stats')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(STATS_HELP)
  if (positionals.length > 0)
    return usage(`stats takes flags, not "${positionals[0]}" (see --help)`)
  if (flags.days !== undefined && (flags.from !== undefined || flags.to !== undefined))
    return usage('give --days or --from/--to, not both')
  const days = flags.days === undefined ? undefined : wholeNumber(flags.days, 1, 3650)
  if (flags.days !== undefined && days === undefined)
    return usage('--days must be a whole number from 1 to 3650')
  const top = wholeNumber(flags.top ?? '5', 1, 1000)
  if (top === undefined) return usage('--top must be a whole number from 1 to 1000')
  const query: StatsQuery = { days, agent: flags.agent, environment: flags.environment }
  for (const bound of ['from', 'to'] as const) {
    const text = flags[bound]
    if (text === undefined) continue
    const at = parseInstant(text)
    if (at === undefined) return usage(`--${bound} "${text}" is not ${INSTANT_FORMS}`)
    query[bound] = at
  }
  if (query.from !== undefined && query.to === undefined) query.to = new Date().toISOString()
  return withRemote(flags, 'read', async ({ reader }) => {
    const stats = await reader.stats(query)
    process.stdout.write(flags.json ? `${safeJson(stats, 2)}\n` : summary(stats, top, flags))
    return EXIT.ok
  })
}

function summary(s: Answer, top: number, scope: { agent?: string; environment?: string }): string {
  const t = s.totals ?? {}
  const r = s.rates ?? {}
  const l = s.latency_ms ?? {}
  const k = s.tokens ?? {}
  const ms = (n: unknown) => (typeof n === 'number' ? `${Math.round(n)} ms` : '-')
  const lines = [
    `From ${s.from} to ${s.to} (agent: ${scope.agent ?? 'all'}, environment: ${scope.environment ?? 'all'})`,
    '',
    `Events   ${count(t.events)}: ${count(t.success)} success (${percent(r.success)}), ${count(t.error)} error (${percent(r.error)}), ${count(t.denied)} denied (${percent(r.denied)}), ${count(t.pending)} pending (${percent(r.pending)})`,
    `Latency  avg ${ms(l.avg)}, p50 ${ms(l.p50)}, p95 ${ms(l.p95)}`,
    `Tokens   ${count(k.total)}: ${count(k.input)} input, ${count(k.output)} output, ${count(k.cache_read)} cache read, ${count(k.cache_write)} cache write`,
    `Cost     ${usd(s.cost_usd)}`,
    '',
  ]
  const breakdown = (title: string, field: string, rows: unknown) => {
    const list = (Array.isArray(rows) ? rows : []).slice(0, top) as Answer[]
    if (list.length === 0) return ''
    const body = list.map((row) => [
      String(row[field] ?? '(none)'),
      count(row.events),
      count(row.errors),
      count(row.tokens_total),
      usd(row.cost_usd),
    ])
    return `${textTable([title, 'events', 'errors', 'tokens', 'cost'], body, new Set([1, 2, 3, 4]))}\n`
  }
  return (
    lines.join('\n') +
    breakdown('Top agents', 'agent', s.by_agent) +
    breakdown('Top models', 'model', s.by_model) +
    breakdown('Top services', 'service', s.by_service)
  )
}
