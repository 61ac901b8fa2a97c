import { describe, expect, it } from 'vitest'
import type { ThresholdRule, WindowTotals } from '../store/alert-model.js'
import { latencyBucket } from '../store/latency-buckets.js'
import { thresholdVerdict } from './threshold.js'

const rule = (fields: Partial<ThresholdRule>): ThresholdRule => ({
  id: 'r',
  name: 'r',
  type: 'threshold',
  builtin: false,
  enabled: true,
  metric: 'error_rate',
  scope: { environment: null, agent: null, service: null },
  group_by: 'agent',
  window_minutes: 15,
  operator: 'above',
  warning: 0.25,
  alert: 0.5,
  min_actions: 10,
  no_data: 'zero',
  created_at: '',
  updated_at: '',
  ...fields,
})
const totals = (fields: Partial<WindowTotals>): WindowTotals => ({
  environment: 'production',
  agent: 'a',
  events: 0,
  errors: 0,
  denied: 0,
  cost_micros: 0,
  latency: new Map(),
  ...fields,
})

describe('threshold rules', () => {
  it('grades a rate against warning and alert, and needs its minimum of actions', () => {
    const r = rule({})
    expect(thresholdVerdict(r, totals({ events: 20, errors: 4 }))?.level).toBe('none')
    expect(thresholdVerdict(r, totals({ events: 20, errors: 6 }))).toMatchObject({
      level: 'warning',
      value: 0.3,
      expected: 0.25,
    })
    expect(thresholdVerdict(r, totals({ events: 20, errors: 12 }))).toMatchObject({
      level: 'critical',
      extreme: false,
    })
    // Nine actions, all failed: fewer than min_actions, quiet.
    expect(thresholdVerdict(r, totals({ events: 9, errors: 9 }))?.level).toBe('none')
  })

  it('fires at once at twice the alert threshold, or half of it below', () => {
    const cost = rule({ metric: 'cost', warning: null, alert: 10, min_actions: 0 })
    expect(thresholdVerdict(cost, totals({ events: 5, cost_micros: 25_000_000 }))).toMatchObject({
      level: 'critical',
      extreme: true,
      value: 25,
    })
    const stalled = rule({ metric: 'actions', operator: 'below', warning: 100, alert: 50 })
    expect(thresholdVerdict(stalled, totals({ events: 80 }))?.level).toBe('warning')
    expect(thresholdVerdict(stalled, totals({ events: 40 }))).toMatchObject({
      level: 'critical',
      extreme: false,
    })
    expect(thresholdVerdict(stalled, totals({ events: 20 }))?.extreme).toBe(true)
  })

  it('reads the p95 latency from the histogram', () => {
    const latency = new Map<number, number>([
      [latencyBucket(100), 90],
      [latencyBucket(6000), 10],
    ])
    const r = rule({ metric: 'latency_p95', warning: 2000, alert: 5000, min_actions: 0 })
    const v = thresholdVerdict(r, totals({ events: 100, latency }))
    expect(v?.level).toBe('critical')
    expect(v?.value).toBeGreaterThanOrEqual(6000)
    expect(v?.value).toBeLessThanOrEqual(6300)
  })

  it('follows no_data for a window without any action', () => {
    expect(thresholdVerdict(rule({ no_data: 'keep' }), undefined)).toBeUndefined()
    expect(thresholdVerdict(rule({ no_data: 'ok' }), undefined)?.level).toBe('none')
    expect(thresholdVerdict(rule({ no_data: 'alert' }), undefined)?.level).toBe('critical')
    // zero: judged as zero actions, which breaches a rule on too few actions.
    const stalled = rule({ metric: 'actions', operator: 'below', warning: null, alert: 1 })
    expect(thresholdVerdict(stalled, undefined)).toMatchObject({ level: 'critical', value: 0 })
    expect(thresholdVerdict(rule({ no_data: 'zero' }), undefined)?.level).toBe('none')
  })
})
