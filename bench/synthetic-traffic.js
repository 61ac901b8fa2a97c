// Seeded synthetic agent traffic with a business rhythm, for the alert proof (test/alerts/) and the
// alert benchmark (bench/alerts-bench.js): the same hours in both. Deterministic: one seed, one
// history. Plain event fields; the caller normalizes them.
import { rng } from './workload.js'

const HOUR_MS = 3_600_000

/**
 * Mean actions in the hour starting at `t` (ALERTS.md §3): 60/h in weekday hours 09–18, 20/h on the
 * shoulders (07–09, 18–21), 3/h at night, a quarter of that at weekends; times `scale`.
 */
export function businessRate(t, scale = 1) {
  const d = new Date(t)
  const h = d.getUTCHours()
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6
  const base = h >= 9 && h < 18 ? 60 : (h >= 7 && h < 9) || (h >= 18 && h < 21) ? 20 : 3
  return base * scale * (weekend ? 0.25 : 1)
}

/** A Poisson draw with mean `lambda` (Knuth's method; a normal approximation above 50). */
export function poisson(random, lambda) {
  if (lambda <= 0) return 0
  if (lambda > 50) {
    const u = Math.max(random(), 1e-12)
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
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

/**
 * The event fields of every agent's actions in the hour starting at `hour`: a Poisson number of
 * actions (or an override's), spread over the hour, each with a status, a duration around 300 ms
 * and a cost around $0.002.
 */
export function syntheticFields(hour, profiles, seed, overrides = new Map()) {
  const out = []
  profiles.forEach((p, i) => {
    const random = rng(seed * 1_000_003 + Math.floor(hour / HOUR_MS) * 31 + i)
    const o = overrides.get(p.agent) ?? {}
    const drawn = poisson(random, p.rate(hour))
    const count = o.count ?? Math.round(drawn * (o.factor ?? 1))
    const services = p.services ?? ['openai', 'search']
    for (let k = 0; k < count; k++) {
      const ts = hour + Math.floor(random() * HOUR_MS)
      const failed = o.errors !== undefined ? k < o.errors : random() < (p.errorRate ?? 0.01)
      out.push({
        agent: p.agent,
        environment: p.environment ?? 'production',
        service: o.service ?? services[Math.floor(random() * services.length)],
        action: 'work',
        kind: o.kind ?? 'action',
        status: failed ? 'error' : 'success',
        duration_ms: Math.round(200 + random() * 200),
        cost_usd: Math.round((0.0015 + random() * 0.001) * 1e6) / 1e6,
        ts,
      })
    }
  })
  return out
}
