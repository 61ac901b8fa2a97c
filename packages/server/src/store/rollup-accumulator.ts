import type { NewEvent } from '@agenttrail/protocol'
import { latencyBucket } from './latency-buckets.js'
import { DAY_MS, HOUR_MS, floorTo } from './time-buckets.js'

/** One rollup row's key and the sums to add to it. Dialects upsert these in the append transaction. */
export interface RollupDelta {
  org_id: string
  grain: 'h' | 'd'
  bucket: number
  environment: string
  agent: string
  service: string
  model: string
  status: string
  events: number
  duration_count: number
  duration_sum: number
  tokens_input: number
  tokens_output: number
  tokens_cache_read: number
  tokens_cache_write: number
  tokens_total: number
  cost_micros: number
}

export interface LatencyDelta {
  org_id: string
  grain: 'h' | 'd'
  bucket: number
  environment: string
  agent: string
  latency: number
  events: number
}

export interface AgentDelta {
  org_id: string
  environment: string
  name: string
  first_seen: number
  last_seen: number
  events: number
  errors: number
  tokens_total: number
  cost_micros: number
}

/**
 * Folds a batch of appended events into per-key deltas, so a transaction upserts each rollup row
 * once however many events touch it. Null dimensions are stored as ''.
 */
export class RollupAccumulator {
  readonly rollups = new Map<string, RollupDelta>()
  readonly latencies = new Map<string, LatencyDelta>()
  readonly agents = new Map<string, AgentDelta>()

  add(orgId: string, e: NewEvent): void {
    for (const grain of ['h', 'd'] as const) {
      const bucket = floorTo(e.ts, grain === 'h' ? HOUR_MS : DAY_MS)
      const dims = [orgId, grain, bucket, e.environment, e.agent ?? '', e.service ?? '', e.model ?? '', e.status]
      const key = dims.join('\u0000')
      let r = this.rollups.get(key)
      if (!r) {
        r = {
          org_id: orgId,
          grain,
          bucket,
          environment: e.environment,
          agent: e.agent ?? '',
          service: e.service ?? '',
          model: e.model ?? '',
          status: e.status,
          events: 0,
          duration_count: 0,
          duration_sum: 0,
          tokens_input: 0,
          tokens_output: 0,
          tokens_cache_read: 0,
          tokens_cache_write: 0,
          tokens_total: 0,
          cost_micros: 0,
        }
        this.rollups.set(key, r)
      }
      r.events += 1
      if (e.duration_ms !== null) {
        r.duration_count += 1
        r.duration_sum += e.duration_ms
        const latency = latencyBucket(e.duration_ms)
        const lkey = [orgId, grain, bucket, e.environment, e.agent ?? '', latency].join('\u0000')
        const l = this.latencies.get(lkey)
        if (l) l.events += 1
        else
          this.latencies.set(lkey, { org_id: orgId, grain, bucket, environment: e.environment, agent: e.agent ?? '', latency, events: 1 })
      }
      r.tokens_input += e.tokens_input ?? 0
      r.tokens_output += e.tokens_output ?? 0
      r.tokens_cache_read += e.tokens_cache_read ?? 0
      r.tokens_cache_write += e.tokens_cache_write ?? 0
      r.tokens_total += e.tokens_total ?? 0
      r.cost_micros += e.cost_micros ?? 0
    }
    if (e.agent !== null) {
      const key = [orgId, e.environment, e.agent].join('\u0000')
      let a = this.agents.get(key)
      if (!a) {
        a = {
          org_id: orgId,
          environment: e.environment,
          name: e.agent,
          first_seen: e.ts,
          last_seen: e.ts,
          events: 0,
          errors: 0,
          tokens_total: 0,
          cost_micros: 0,
        }
        this.agents.set(key, a)
      }
      a.first_seen = Math.min(a.first_seen, e.ts)
      a.last_seen = Math.max(a.last_seen, e.ts)
      a.events += 1
      if (e.status === 'error') a.errors += 1
      a.tokens_total += e.tokens_total ?? 0
      a.cost_micros += e.cost_micros ?? 0
    }
  }
}
