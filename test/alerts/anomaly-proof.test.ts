import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enforcement } from '../../packages/server/src/control/engine.js'
import { openSqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.js'
import type { Store } from '../../packages/server/src/store/store.js'
import { baselinesAt } from '../../packages/server/src/alerts/baselines.js'
import { runEvaluation } from '../../packages/server/src/alerts/evaluator.js'
import { newEvent } from '../helpers/events.js'
import type { Injections } from './anomaly-proof.js'
import {
  DAY_MS,
  HOUR_MS,
  ORG,
  START,
  WEEK_MS,
  alertsOf,
  liveThrough,
  loadHistory,
  only,
  transitionsOf,
} from './anomaly-proof.js'

const SEED = 42
const HISTORY_END = START + 4 * WEEK_MS
/** Two normal weeks lived hour by hour: every alert raised in them is a false alert. */
const NORMAL_END = HISTORY_END + 2 * WEEK_MS
const SPIKE_WEEK = NORMAL_END
const at = (day: number, hour: number) => SPIKE_WEEK + day * DAY_MS + hour * HOUR_MS

/** The spike week's injections (day 0 is a Monday). */
const INJECTIONS: Injections = new Map([
  // Tuesday afternoon: three times the usual actions for two hours.
  [at(1, 14), only('busy', { factor: 3 })],
  [at(1, 15), only('busy', { factor: 3 })],
  // Wednesday night: 15 actions an hour where 3 are usual, for two hours.
  [at(2, 3), only('busy', { count: 15 })],
  [at(2, 4), only('busy', { count: 15 })],
  // Thursday afternoon: 12 failures in a busy hour (1 % is usual).
  [at(3, 14), only('busy', { errors: 12 })],
  // Friday morning: the quiet agent fails once in its two actions of the hour.
  [at(4, 11), only('quiet', { count: 2, errors: 1 })],
  // Friday afternoon: a service the busy agent never used.
  [at(4, 15), only('busy', { service: 'stripe' })],
])

const anomalies = (alerts: Awaited<ReturnType<typeof alertsOf>>) =>
  alerts.filter((a) => !a.alert_type.endsWith('_threshold'))

describe('anomaly alerts on seeded synthetic traffic, through the real evaluator and store (SQLite)', () => {
  let store: Store
  beforeAll(async () => {
    store = await openSqliteStore({ path: ':memory:', enforce: enforcement })
    await loadHistory(store, START, HISTORY_END, SEED)
  }, 120_000)
  afterAll(() => store.close())

  it('raises no alert over two normal weeks of business-hours traffic', async () => {
    await liveThrough(store, [store], HISTORY_END, NORMAL_END, SEED)
    expect(await alertsOf(store)).toEqual([])
    // The baselines are weekly ones by now, and ready.
    const baselines = await baselinesAt(store.alerts, ORG, NORMAL_END - HOUR_MS)
    expect(baselines.map((b) => [b.agent, b.status, b.method])).toEqual([
      ['busy', 'ready', 'hour_of_week'],
      ['quiet', 'ready', 'hour_of_week'],
    ])
  }, 120_000)

  it('raises each injected anomaly once, the quiet agent stays quiet, and every alert resolves', async () => {
    await liveThrough(store, [store], SPIKE_WEEK, SPIKE_WEEK + 5 * DAY_MS, SEED, INJECTIONS)
    const raised = anomalies(await alertsOf(store)).reverse()
    expect(raised.map((a) => [a.agent_name, a.alert_type, a.state])).toEqual([
      ['busy', 'actions_anomaly', 'resolved'],
      ['busy', 'actions_anomaly', 'resolved'],
      ['busy', 'error_rate_anomaly', 'resolved'],
      ['busy', 'new_service', 'resolved'],
    ])
    const [afternoon, night, errors, service] = raised as [
      (typeof raised)[0],
      (typeof raised)[0],
      (typeof raised)[0],
      (typeof raised)[0],
    ]
    // Each fired within the injected hours and resolved after two quiet hours.
    const firedAt = (a: typeof afternoon) =>
      Date.parse(a.history.find((t) => t.state === 'firing')?.at as string)
    expect(firedAt(afternoon)).toBeGreaterThan(at(1, 14))
    expect(firedAt(afternoon)).toBeLessThanOrEqual(at(1, 16) + 3 * 60_000)
    expect(firedAt(night)).toBeLessThanOrEqual(at(2, 5) + 3 * 60_000)
    expect(firedAt(errors)).toBeLessThanOrEqual(at(3, 15) + 3 * 60_000)
    expect(firedAt(service)).toBeLessThanOrEqual(at(4, 16) + 3 * 60_000)
    for (const a of raised) {
      expect(a.history.map((t) => t.state).slice(-2)).toEqual(['recovering', 'resolved'])
      expect(a.resolved_at).not.toBeNull()
    }
    expect(service.metadata).toMatchObject({ service: 'stripe' })
    expect(night.severity).toBe('critical')
    // Nothing about the quiet agent, from any rule.
    expect((await alertsOf(store)).filter((a) => a.agent_name === 'quiet')).toEqual([])

    // Every step is in the trail, and each alert is announced twice: raised and resolved.
    const records = await transitionsOf(store)
    for (const a of raised) {
      const mine = records.filter(
        (e) => (e.metadata as { alert: { id: string } }).alert.id === a.id,
      )
      expect(mine.filter((e) => e.action === 'alert.created')).toHaveLength(1)
      expect(mine.filter((e) => e.action === 'alert.resolved')).toHaveLength(1)
      expect(mine.map((e) => e.action)).toContain('alert.recovering')
    }
    // No series is left open.
    expect(await store.alerts.seriesStates(ORG)).toEqual([])
  }, 120_000)

  it('fires on a spike at the end of an hour within a minute of it, before the hour is judged closed', async () => {
    // Saturday: history up to 13:00, then 200 actions in the last five minutes of 13:00-14:00.
    const saturday = SPIKE_WEEK + 5 * DAY_MS
    await liveThrough(
      store,
      [store],
      SPIKE_WEEK + 5 * DAY_MS - 10 * HOUR_MS,
      saturday + 13 * HOUR_MS,
      SEED,
    )
    const hour = saturday + 13 * HOUR_MS
    const spike = Array.from({ length: 200 }, (_, i) => ({
      orgId: ORG,
      event: newEvent(
        { agent: 'busy', service: 'openai', status: 'success', ts: hour + 55 * 60_000 + i },
        hour + 56 * 60_000,
      ),
    }))
    await store.events.append(spike)
    const before = (await alertsOf(store)).length
    // 30 s after the hour closed: the closed-hour judgement waits two minutes, the spike does not.
    await runEvaluation({ store, now: () => hour + HOUR_MS + 30_000 })
    const [latest] = await alertsOf(store)
    expect((await alertsOf(store)).length).toBe(before + 1)
    expect(latest).toMatchObject({
      agent_name: 'busy',
      alert_type: 'actions_anomaly',
      state: 'firing',
    })
  }, 120_000)
})
