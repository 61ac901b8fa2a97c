import { z } from 'zod'
import { capList } from '../compact.js'
import { READS, defineTool, instant, name } from '../trail-tool.js'

const ROWS = 50
/** Days listed at most: the most recent days with activity. */
const DAYS = 90
const Counts = {
  events: z.number(),
  errors: z.number(),
  tokens_total: z.number(),
  cost_usd: z.number(),
}

type CountRow = { events: number; errors: number; tokens_total: number; cost_usd: number }

const money = (usd: number) => `$${usd.toFixed(4).replace(/\.?0+$/, '')}`

export const costBreakdown = defineTool({
  name: 'cost_breakdown',
  title: 'Cost and tokens by agent, model and day',
  description:
    'Spend and tokens over a range: totals, then by agent and by model (most expensive first, at most 50 rows each) and by day (days with activity only, the most recent 90 at most). Default: the last 7 days.',
  scope: 'read',
  writes: false,
  inputSchema: {
    days: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(7)
      .describe('Days back from now when from/to are not given. Default 7.'),
    from: instant('Inclusive start.').optional(),
    to: instant('Exclusive end.').optional(),
    agent: name('Only this agent.').optional(),
    environment: name('Only this environment.').optional(),
  },
  outputSchema: {
    from: z.string(),
    to: z.string(),
    cost_usd: z.number(),
    tokens: z.object({
      input: z.number(),
      output: z.number(),
      cache_read: z.number(),
      cache_write: z.number(),
      total: z.number(),
    }),
    events: z.number(),
    by_agent: z.array(z.object({ agent: z.string().nullable(), ...Counts })),
    by_model: z.array(z.object({ model: z.string().nullable(), ...Counts })),
    by_day: z
      .array(z.object({ day: z.string(), ...Counts }))
      .describe('Days with at least one event, oldest first; the most recent 90 at most.'),
    omitted_rows: z.number().describe('Agents and models left out beyond 50 each.'),
    omitted_days: z
      .number()
      .describe('Days with activity left out of by_day beyond the most recent 90 (older ones).'),
  },
  annotations: READS,
  async run({ days, from, to, agent, environment }, { reader }) {
    const ranged = from !== undefined || to !== undefined
    const s = await reader.stats({
      ...(ranged ? { from, to } : { days }),
      agent,
      environment,
      bucket: 'day',
    })
    const byCost = <T extends CountRow>(rows: T[]) =>
      [...rows].sort((a, b) => b.cost_usd - a.cost_usd || b.tokens_total - a.tokens_total)
    const agents = capList(byCost(s.by_agent as ({ agent: string | null } & CountRow)[]), ROWS)
    const models = capList(byCost(s.by_model as ({ model: string | null } & CountRow)[]), ROWS)
    // A day without events says nothing; a long range of them would fill the caller's context.
    const active = (s.series as ({ start: string } & CountRow)[])
      .filter((r) => r.events > 0)
      .map(({ start, ...counts }) => ({ day: start.slice(0, 10), ...counts }))
    const byDay = active.slice(-DAYS)
    const structured = {
      from: String(s.from),
      to: String(s.to),
      cost_usd: s.cost_usd as number,
      tokens: s.tokens,
      events: s.totals.events as number,
      by_agent: agents.items,
      by_model: models.items,
      by_day: byDay,
      omitted_rows: agents.omitted + models.omitted,
      omitted_days: active.length - byDay.length,
    }
    const row = (label: string | null, r: CountRow) =>
      `- ${label ?? '(none)'}: ${money(r.cost_usd)}, ${r.tokens_total} tokens, ${r.events} events`
    const text = [
      `${structured.from} to ${structured.to}: ${money(structured.cost_usd)}, ${s.tokens.total} tokens, ${structured.events} events.`,
      'By agent:',
      ...agents.items.map((r) => row(r.agent, r)),
      'By model:',
      ...models.items.map((r) => row(r.model, r)),
      'By day:',
      ...(structured.omitted_days > 0
        ? [`- (${structured.omitted_days} earlier day(s) with activity left out)`]
        : []),
      ...byDay.map((r) => row(r.day, r)),
    ].join('\n')
    return { structured, text }
  },
})
