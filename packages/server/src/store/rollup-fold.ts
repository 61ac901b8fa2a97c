import type { NewEvent } from '@agenttrail/protocol'
import { latencyBucket } from './latency-buckets.js'
import { DAY_MS, HOUR_MS } from './time-buckets.js'

/** What a rollup reads of an event; a stored row has the same fields. */
export type RolledEvent = Pick<
  NewEvent,
  | 'ts'
  | 'environment'
  | 'agent'
  | 'model'
  | 'service'
  | 'status'
  | 'duration_ms'
  | 'tokens_input'
  | 'tokens_output'
  | 'tokens_cache_read'
  | 'tokens_cache_write'
  | 'tokens_total'
  | 'cost_micros'
>

/** A `rollups` row in column order: key (org_id, grain, dim, bucket, environment, agent, value), then MEASURE_COLUMNS. */
export type RollupRow = [string, string, string, number, string, string, string, ...number[]]
/** A `latency_rollups` row in column order: key (org_id, grain, dim, bucket, environment, agent, latency), events. */
export type LatencyRow = [string, string, string, number, string, string, number, number]

/** Sums in MEASURE_COLUMNS order (stats-assembler.ts). */
type Measures = number[]

/** The rows of one (org, environment, grain, bucket): each dimension set by its own keys. */
interface Scope {
  orgId: string
  environment: string
  grain: 'h' | 'd'
  bucket: number
  total: Map<string, Measures>
  model: Map<string, Measures>
  service: Map<string, Measures>
  agentModel: Map<string, Map<string, Measures>>
  agentService: Map<string, Map<string, Measures>>
  latencyAll: Map<number, number>
  latencyAgent: Map<string, Map<number, number>>
}

const GRAINS = [
  ['h', HOUR_MS],
  ['d', DAY_MS],
] as const

function measuresOf<K>(map: Map<K, Measures>, key: K): Measures {
  let m = map.get(key)
  if (m === undefined) {
    m = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    map.set(key, m)
  }
  return m
}

function inner<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let m = map.get(key)
  if (m === undefined) {
    m = new Map()
    map.set(key, m)
  }
  return m
}

/**
 * Hourly and daily rollups of a run of events, summed in memory so that each rollup row is written
 * once however many of the events it counts. The same rows, the same measures and the same latency
 * buckets as the set-based SQL over the same events (sqlite-rollups.ts): a null agent, model or
 * service is '', a null duration counts in `events` but not in `duration_count` nor in the latency
 * histogram, null tokens and costs add 0. Sums are exact up to 2^53.
 */
export class RollupFold {
  /** Events folded since the last `clear`. */
  events = 0
  private readonly scopes = new Map<string, Scope>()

  add(orgId: string, e: RolledEvent): void {
    this.events++
    const agent = e.agent ?? ''
    const model = e.model ?? ''
    const service = e.service ?? ''
    const duration = e.duration_ms
    const latency = duration === null ? 0 : latencyBucket(duration)
    const error = e.status === 'error' ? 1 : 0
    const pending = e.status === 'pending' ? 1 : 0
    const denied = e.status === 'denied' ? 1 : 0
    const values = [
      e.tokens_input ?? 0,
      e.tokens_output ?? 0,
      e.tokens_cache_read ?? 0,
      e.tokens_cache_write ?? 0,
      e.tokens_total ?? 0,
      e.cost_micros ?? 0,
    ]
    const addTo = (m: Measures) => {
      m[0]! += 1
      m[1]! += error
      m[2]! += pending
      m[3]! += denied
      if (duration !== null) {
        m[4]! += 1
        m[5]! += duration
      }
      for (let i = 0; i < 6; i++) m[6 + i]! += values[i]!
    }
    for (const [grain, size] of GRAINS) {
      const s = this.scope(orgId, e.environment, grain, Math.floor(e.ts / size) * size)
      addTo(measuresOf(s.total, agent))
      addTo(measuresOf(s.model, model))
      addTo(measuresOf(s.service, service))
      addTo(measuresOf(inner(s.agentModel, agent), model))
      addTo(measuresOf(inner(s.agentService, agent), service))
      if (duration !== null) {
        s.latencyAll.set(latency, (s.latencyAll.get(latency) ?? 0) + 1)
        const perAgent = inner(s.latencyAgent, agent)
        perAgent.set(latency, (perAgent.get(latency) ?? 0) + 1)
      }
    }
  }

  /** Every rollup row the folded events add to, once each. */
  *rollupRows(): Generator<RollupRow> {
    for (const s of this.scopes.values()) {
      const key = (dim: string, agent: string, value: string) =>
        [s.orgId, s.grain, dim, s.bucket, s.environment, agent, value] as const
      for (const [agent, m] of s.total) yield [...key('total', agent, ''), ...m]
      for (const [model, m] of s.model) yield [...key('model', '', model), ...m]
      for (const [service, m] of s.service) yield [...key('service', '', service), ...m]
      for (const [agent, models] of s.agentModel)
        for (const [model, m] of models) yield [...key('agent_model', agent, model), ...m]
      for (const [agent, services] of s.agentService)
        for (const [service, m] of services) yield [...key('agent_service', agent, service), ...m]
    }
  }

  /** Every latency histogram row the folded events add to, once each. */
  *latencyRows(): Generator<LatencyRow> {
    for (const s of this.scopes.values()) {
      const { orgId, grain, bucket, environment } = s
      for (const [latency, n] of s.latencyAll)
        yield [orgId, grain, 'all', bucket, environment, '', latency, n]
      for (const [agent, histogram] of s.latencyAgent)
        for (const [latency, n] of histogram)
          yield [orgId, grain, 'agent', bucket, environment, agent, latency, n]
    }
  }

  clear(): void {
    this.events = 0
    this.scopes.clear()
  }

  private scope(orgId: string, environment: string, grain: 'h' | 'd', bucket: number): Scope {
    const key = `${orgId}\u0000${environment}\u0000${grain}${bucket}`
    let s = this.scopes.get(key)
    if (s === undefined) {
      s = {
        orgId,
        environment,
        grain,
        bucket,
        total: new Map(),
        model: new Map(),
        service: new Map(),
        agentModel: new Map(),
        agentService: new Map(),
        latencyAll: new Map(),
        latencyAgent: new Map(),
      }
      this.scopes.set(key, s)
    }
    return s
  }
}
