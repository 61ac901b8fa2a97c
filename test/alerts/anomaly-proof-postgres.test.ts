import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runEvaluation } from '../../packages/server/src/alerts/evaluator.js'
import { enforcement } from '../../packages/server/src/control/engine.js'
import { openPostgresStore } from '../../packages/server/src/store/postgres/postgres-store.js'
import type { Store } from '../../packages/server/src/store/store.js'
import { freshDatabase } from '../helpers/postgres.js'
import type { Injections } from './anomaly-proof.js'
import {
  DAY_MS,
  HOUR_MS,
  START,
  WEEK_MS,
  alertsOf,
  liveThrough,
  loadHistory,
  only,
  transitionsOf,
} from './anomaly-proof.js'

const SEED = 7
const HISTORY_END = START + 4 * WEEK_MS
const at = (day: number, hour: number) => HISTORY_END + day * DAY_MS + hour * HOUR_MS

const INJECTIONS: Injections = new Map([
  [at(1, 14), only('busy', { factor: 3 })],
  [at(1, 15), only('busy', { factor: 3 })],
  [at(2, 3), only('busy', { count: 15 })],
  [at(2, 4), only('busy', { count: 15 })],
  [at(2, 11), only('quiet', { count: 2, errors: 1 })],
])

describe('anomaly alerts on PostgreSQL, with two servers evaluating one database', () => {
  let a: Store
  let b: Store
  beforeAll(async () => {
    const url = await freshDatabase()
    a = await openPostgresStore({ url, enforce: enforcement })
    b = await openPostgresStore({ url, enforce: enforcement })
    await loadHistory(a, START, HISTORY_END, SEED)
  }, 180_000)
  afterAll(async () => {
    await a?.close()
    await b?.close()
  })

  it('one server leads the evaluation: the other skips its pass', async () => {
    const now = () => HISTORY_END + 3 * 60_000
    const [first, second] = [
      await runEvaluation({ store: a, now }),
      await runEvaluation({ store: b, now }),
    ]
    expect([first.led, second.led]).toEqual([true, false])
  })

  it('raises and resolves each anomaly once although both servers evaluate every hour', async () => {
    // Leaderless: both evaluate every hour at the same moment, so their changes race; the step
    // check under the org's lock lets one of each pair through.
    await liveThrough(a, [a, b], HISTORY_END, HISTORY_END + 3 * DAY_MS, SEED, INJECTIONS, true)
    const raised = (await alertsOf(a)).reverse()
    expect(raised.map((x) => [x.agent_name, x.alert_type, x.state])).toEqual([
      ['busy', 'actions_anomaly', 'resolved'],
      ['busy', 'actions_anomaly', 'resolved'],
    ])
    const records = await transitionsOf(a)
    expect(records.filter((e) => e.action === 'alert.created')).toHaveLength(2)
    expect(records.filter((e) => e.action === 'alert.resolved')).toHaveLength(2)
    for (const x of raised)
      expect(new Set(x.history.map((t) => `${t.at} ${t.state}`)).size).toBe(x.history.length)
    expect(await a.alerts.seriesStates('org_proof')).toEqual([])
  }, 180_000)
})
