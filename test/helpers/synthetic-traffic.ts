import type { AppendItem } from '../../packages/server/src/store/store.js'
import { newEvent, seeded } from './events.js'

const HOUR_MS = 3_600_000

/**
 * Hourly action rates with a business rhythm (ALERTS.md §3): 60/h in weekday hours 09–18, 20/h on
 * the shoulders (07–09, 18–21), 3/h at night, a quarter of that at weekends. `scale` multiplies.
 */
export function businessRate(t: number, scale = 1): number {
  const d = new Date(t)
  const h = d.getUTCHours()
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6
  const base = h >= 9 && h < 18 ? 60 : (h >= 7 && h < 9) || (h >= 18 && h < 21) ? 20 : 3
  return base * scale * (weekend ? 0.25 : 1)
}

/** A Poisson draw with mean `lambda` (Knuth's method for small means, normal above 50). */
export function poisson(random: () => number, lambda: number): number {
  if (lambda <= 0) return 0
  if (lambda > 50) {
    const u = Math.max(random(), 1e-12)
    const v = random()
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z))
  }
  const l = Math.exp(-lambda)
  let k = 0
  let p = 1
  do {
    k++
    p *= random()
  } while (p > l)
  return k - 1
}

export interface AgentProfile {
  agent: string
  environment?: string
  /** Mean actions in the hour starting at `t`. */
  rate: (t: number) => number
  /** Chance that an action fails. Default 0.01. */
  errorRate?: number
  /** Services the agent calls, chosen at random. Default `['openai', 'search']`. */
  services?: string[]
}

/** One hour's actions of one agent, overridden: a spike, failures, a service. */
export interface HourOverride {
  /** Actions in the hour (instead of a draw). */
  count?: number
  /** Multiplies the drawn count. */
  factor?: number
  /** How many of the hour's actions fail (instead of draws). */
  errors?: number
  /** Every action of the hour calls this service. */
  service?: string
  kind?: string
}

/**
 * Deterministic synthetic traffic: for each agent and hour, a Poisson number of actions spread
 * over the hour, each with a status, a duration around 300 ms and a cost around $0.002.
 */
export function syntheticHour(
  orgId: string,
  hour: number,
  profiles: readonly AgentProfile[],
  seed: number,
  overrides: ReadonlyMap<string, HourOverride> = new Map(),
): AppendItem[] {
  const items: AppendItem[] = []
  for (const [i, p] of profiles.entries()) {
    const random = seeded(seed * 1_000_003 + Math.floor(hour / HOUR_MS) * 31 + i)
    const o = overrides.get(p.agent) ?? {}
    const drawn = poisson(random, p.rate(hour))
    const count = o.count ?? Math.round(drawn * (o.factor ?? 1))
    const services = p.services ?? ['openai', 'search']
    for (let k = 0; k < count; k++) {
      const ts = hour + Math.floor(random() * HOUR_MS)
      const failed = o.errors !== undefined ? k < o.errors : random() < (p.errorRate ?? 0.01)
      items.push({
        orgId,
        event: newEvent(
          {
            agent: p.agent,
            environment: p.environment ?? 'production',
            service: o.service ?? services[Math.floor(random() * services.length)],
            action: 'work',
            kind: o.kind ?? 'action',
            status: failed ? 'error' : 'success',
            duration_ms: Math.round(200 + random() * 200),
            cost_usd: Math.round((0.0015 + random() * 0.001) * 1e6) / 1e6,
            ts,
          },
          ts,
        ),
      })
    }
  }
  return items
}
