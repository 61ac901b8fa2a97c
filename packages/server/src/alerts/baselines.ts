import type { AlertStore } from '../store/alert-store.js'
import type { HourRow } from '../store/alert-model.js'
import { HOUR_MS } from '../store/time-buckets.js'
import type { BaselineMethod, HourMetric } from './baseline.js'
import {
  HOUR_METRICS,
  LOOKBACK_MS,
  MIN_ACTIONS,
  MIN_DAYS,
  baselineOf,
  hoursToRead,
  sampleHours,
} from './baseline.js'

/** One metric's baseline as the API shows it: the documented mean and σ, and what is used. */
export interface MetricView {
  /** Mean of the sample hours (AgentLedger's documented figure). */
  mean: number
  /** Sample standard deviation of the sample hours (AgentLedger's documented figure). */
  stddev: number
  /** The centre the detector compares with. */
  median: number
  mad: number
  /** The spread the score divides by, after the noise floors (log units for cost and duration). */
  scale: number
  samples: number
}

export interface AgentBaseline {
  agent: string
  environment: string
  /** `learning` until 50 actions on 3 distinct days in the last four weeks; no alert before. */
  status: 'learning' | 'ready'
  /** How the sample hours were chosen; null when the agent has no history yet. */
  method: BaselineMethod | null
  /** The hour the figures are for (the hour running now), ISO 8601. */
  hour: string
  history: { first_seen: string; actions: number; days: number }
  /** Per metric; a metric without enough sample hours is left out. */
  metrics: Partial<Record<HourMetric | 'duration_per_action', MetricView>>
}

const view = (b: NonNullable<ReturnType<typeof baselineOf>>): MetricView => ({
  mean: round(b.mean),
  stddev: round(b.stddev),
  median: round(b.median),
  mad: round(b.mad),
  scale: round(b.scale),
  samples: b.samples,
})

const round = (v: number) => Math.round(v * 1e6) / 1e6

/**
 * The baselines the detectors use for the hour running at `now`, per environment and agent
 * (optionally one agent or environment): the same reads as an evaluation, from the rollups.
 */
export async function baselinesAt(
  alerts: AlertStore,
  orgId: string,
  now: number,
  filter: { agent?: string; environment?: string } = {},
): Promise<AgentBaseline[]> {
  const hour = Math.floor(now / HOUR_MS) * HOUR_MS
  const histories = (await alerts.agentHistory(orgId, hour - LOOKBACK_MS)).filter(
    (h) =>
      (filter.agent === undefined || h.agent === filter.agent) &&
      (filter.environment === undefined || h.environment === filter.environment),
  )
  if (histories.length === 0) return []
  const rows = new Map<string, Map<number, HourRow>>()
  for (const r of await alerts.hourRows(orgId, hoursToRead([hour]))) {
    const key = `${r.environment}\u0000${r.agent}`
    let byHour = rows.get(key)
    if (!byHour) rows.set(key, (byHour = new Map()))
    byHour.set(r.bucket, r)
  }
  return histories
    .map((h): AgentBaseline => {
      const { method, buckets } = sampleHours(hour, h.first_seen)
      const byHour = rows.get(`${h.environment}\u0000${h.agent}`) ?? new Map<number, HourRow>()
      const metrics: AgentBaseline['metrics'] = {}
      for (const metric of HOUR_METRICS) {
        const b = baselineOf(metric, method, buckets, byHour)
        if (b) metrics[metric] = view(b)
      }
      // AgentLedger's name for the same figure.
      if (metrics.duration) metrics.duration_per_action = metrics.duration
      return {
        agent: h.agent,
        environment: h.environment,
        status: h.events >= MIN_ACTIONS && h.days >= MIN_DAYS ? 'ready' : 'learning',
        method: buckets.length > 0 ? method : null,
        hour: new Date(hour).toISOString(),
        history: {
          first_seen: new Date(h.first_seen).toISOString(),
          actions: h.events,
          days: h.days,
        },
        metrics,
      }
    })
    .sort((a, b) => a.agent.localeCompare(b.agent) || a.environment.localeCompare(b.environment))
}
