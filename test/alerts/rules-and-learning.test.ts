import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { baselinesAt } from '../../packages/server/src/alerts/baselines.js'
import { evaluateOrg, newEvaluatorMemo } from '../../packages/server/src/alerts/evaluate-org.js'
import { enforcement } from '../../packages/server/src/control/engine.js'
import { openSqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.js'
import type { Store } from '../../packages/server/src/store/store.js'
import { newEvent } from '../helpers/events.js'

const M = 60_000
const T = Date.UTC(2026, 10, 18, 10, 30) // a minute in the middle of an hour

describe('threshold rules and learning series, through the real evaluator (SQLite)', () => {
  let store: Store
  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:', enforce: enforcement })
  })
  afterEach(() => store.close())

  const append = (org: string, list: Array<Record<string, unknown>>) =>
    store.events.append(list.map((f) => ({ orgId: org, event: newEvent(f, f.ts as number) })))
  const roll = async () => {
    while ((await store.events.rollPending(10_000)) > 0);
  }

  it('the built-in error-rate spike rule pends, fires on the next pass, and resolves when the agent goes quiet', async () => {
    await append(
      'org',
      Array.from({ length: 20 }, (_, i) => ({
        agent: 'payments',
        status: i < 15 ? 'error' : 'success',
        ts: T - 10 * M + i * 20_000,
      })),
    )
    await roll()
    const memo = newEvaluatorMemo()
    const at = async (t: number) => {
      await evaluateOrg(store.alerts, 'org', t, memo)
      return store.control.listAlerts('org', { all: true, limit: 10 })
    }
    expect(await at(T)).toEqual([])
    const [state] = await store.alerts.seriesStates('org')
    expect(state).toMatchObject({
      rule_id: 'error-rate-spike',
      state: 'pending',
      severity: 'critical',
    })
    const [fired] = await at(T + M)
    expect(fired).toMatchObject({
      agent_name: 'payments',
      alert_type: 'error_rate_threshold',
      severity: 'critical',
      state: 'firing',
      rule_id: 'error-rate-spike',
    })
    expect(fired?.message).toContain('error rate 75%')
    // The window moves past the failures: two quiet passes resolve it.
    await at(T + 20 * M)
    const [resolved] = await at(T + 21 * M)
    expect(resolved).toMatchObject({ id: fired?.id, state: 'resolved' })
    expect(resolved?.history.map((h) => h.state)).toEqual([
      'pending',
      'firing',
      'recovering',
      'resolved',
    ])
  })

  it('raises no anomaly for an agent still learning, however large its spike', async () => {
    // 40 actions over the last day, then 500 in the hour running.
    await append(
      'org',
      Array.from({ length: 40 }, (_, i) => ({
        agent: 'newbie',
        status: 'success',
        ts: T - 24 * 60 * M + i * 30 * M,
      })),
    )
    await append(
      'org',
      Array.from({ length: 500 }, (_, i) => ({
        agent: 'newbie',
        status: 'success',
        ts: T - 20 * M + i * 2_000,
      })),
    )
    await roll()
    await evaluateOrg(store.alerts, 'org', T, newEvaluatorMemo())
    expect(await store.control.listAlerts('org', { all: true, limit: 10 })).toEqual([])
    const [baseline] = await baselinesAt(store.alerts, 'org', T)
    expect(baseline).toMatchObject({ agent: 'newbie', status: 'learning' })
  })
})
