import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newEvent } from '../../../../test/helpers/events.js'
import type { AlertRule, SeriesChange, SeriesState, ThresholdRule } from './alert-model.js'
import type { Store } from './store.js'

const H = 3_600_000
const M = 60_000

/** The watch stage's storage, the same on every store: rules, the evaluator's reads, apply. */
export function describeAlertsContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`store contract: ${name}: alert rules, series and the evaluator's reads`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(() => store.close())

    const T = Date.UTC(2026, 10, 10, 10) // an hour start
    const append = (orgId: string, events: Array<Record<string, unknown>>) =>
      store.events.append(
        events.map((fields) => ({ orgId, event: newEvent(fields, fields.ts as number) })),
      )
    const roll = async () => {
      while ((await store.events.rollPending(10_000)) > 0);
    }

    it('gives every org the built-in rules, which cannot be deleted', async () => {
      const rules = await store.alerts.listRules('org_a')
      expect(rules.map((r) => r.id)).toEqual([
        'anomaly-actions-per-hour',
        'anomaly-cost-per-action',
        'anomaly-denied-rate',
        'anomaly-duration',
        'anomaly-error-rate',
        'anomaly-new-service',
        'error-rate-spike',
      ])
      expect(rules.every((r) => r.builtin && r.enabled)).toBe(true)
      expect(await store.alerts.deleteRule('org_a', 'error-rate-spike')).toBe(false)
      expect(await store.alerts.getRule('org_a', 'error-rate-spike')).toMatchObject({
        type: 'threshold',
        alert: 0.5,
      })
      expect(await store.alerts.getRule('org_b', 'nope')).toBeUndefined()
    })

    it('creates, updates and deletes an org rule, and keeps it to its org', async () => {
      const at = new Date(T).toISOString()
      const rule: ThresholdRule = {
        id: 'rule-1',
        name: 'Cost per hour',
        type: 'threshold',
        builtin: false,
        enabled: true,
        metric: 'cost',
        scope: { environment: 'production', agent: null, service: 'openai' },
        group_by: 'none',
        window_minutes: 60,
        operator: 'above',
        warning: 5,
        alert: 10,
        min_actions: 0,
        no_data: 'zero',
        created_at: at,
        updated_at: at,
      }
      await store.alerts.createRule('org_a', rule)
      expect(await store.alerts.getRule('org_a', 'rule-1')).toEqual(rule)
      expect(await store.alerts.getRule('org_b', 'rule-1')).toBeUndefined()
      const changed: AlertRule = { ...rule, alert: 20, enabled: false, updated_at: at }
      expect(await store.alerts.updateRule('org_a', changed)).toBe(true)
      expect(await store.alerts.getRule('org_a', 'rule-1')).toEqual(changed)
      expect(await store.alerts.updateRule('org_b', changed)).toBe(false)
      expect((await store.alerts.listRules('org_a')).at(-1)?.id).toBe('rule-1')
      expect(await store.alerts.watchedOrgs(T + 10 * H)).toEqual(['org_a'])
      expect(await store.alerts.deleteRule('org_b', 'rule-1')).toBe(false)
      expect(await store.alerts.deleteRule('org_a', 'rule-1')).toBe(true)
      expect(await store.alerts.getRule('org_a', 'rule-1')).toBeUndefined()
    })

    it('reads hours, histories and window totals from the rollups, exactly at any edge', async () => {
      const events: Array<Record<string, unknown>> = []
      // Three hours of one agent in two environments, another agent, and an audit record.
      for (let i = 0; i < 180; i++)
        events.push({
          agent: 'a',
          environment: i % 3 === 0 ? 'staging' : 'production',
          service: i % 2 === 0 ? 'openai' : 'search',
          status: i % 10 === 0 ? 'error' : i % 15 === 0 ? 'denied' : 'success',
          duration_ms: 100 + i,
          cost_usd: 0.001,
          ts: T + i * M,
        })
      for (let i = 0; i < 30; i++) events.push({ agent: 'b', status: 'success', ts: T + H + i * M })
      events.push({ kind: 'audit', action: 'x.y', status: 'success', ts: T + H })
      await append('org_a', events)
      await roll()

      const hours = await store.alerts.hourRows('org_a', [T, T + H, T + 5 * H])
      const key = (r: { environment: string; agent: string; bucket: number }) =>
        `${r.environment}/${r.agent}/${r.bucket - T}`
      expect(hours.map(key).sort()).toEqual(
        [
          'production/a/0',
          'staging/a/0',
          'production/a/3600000',
          'staging/a/3600000',
          'production/b/3600000',
        ].sort(),
      )
      const a0 = hours.find((r) => key(r) === 'production/a/0')!
      expect(a0).toMatchObject({ events: 40, errors: 4, cost_micros: 40_000, duration_count: 40 })

      const history = await store.alerts.agentHistory('org_a', T - 7 * 86_400_000)
      expect(history.map((h) => [h.environment, h.agent, h.events, h.days]).sort()).toEqual([
        ['production', 'a', 120, 1],
        ['production', 'b', 30, 1],
        ['staging', 'a', 60, 1],
      ])

      // Not rolled up yet on SQLite: must be read from the events all the same.
      await append('org_a', [{ agent: 'b', status: 'error', ts: T + 90 * M }])
      // A window with ragged edges: [T + 30 min, T + 2 h 15 min), per agent, production only.
      const from = T + 30 * M
      const to = T + 2 * H + 15 * M
      const totals = await store.alerts.windowTotals('org_a', {
        from,
        to,
        scope: { environment: 'production', agent: null, service: null },
        groupByAgent: true,
        latency: true,
      })
      const inWindow = events.filter(
        (e) =>
          e.agent === 'a' &&
          e.environment === 'production' &&
          (e.ts as number) >= from &&
          (e.ts as number) < to,
      )
      const a = totals.find((t) => t.agent === 'a')!
      expect(a.events).toBe(inWindow.length)
      expect(a.errors).toBe(inWindow.filter((e) => e.status === 'error').length)
      expect(a.denied).toBe(inWindow.filter((e) => e.status === 'denied').length)
      expect(a.cost_micros).toBe(inWindow.length * 1000)
      expect([...a.latency.values()].reduce((x, y) => x + y, 0)).toBe(inWindow.length)
      expect(totals.find((t) => t.agent === 'b')).toMatchObject({ events: 31, errors: 1 })

      // One series for the whole scope, a service only; nothing outside the org.
      const whole = await store.alerts.windowTotals('org_a', {
        from: T,
        to: T + 3 * H,
        scope: { environment: null, agent: null, service: 'openai' },
        groupByAgent: false,
        latency: false,
      })
      expect(whole).toEqual([
        expect.objectContaining({ environment: null, agent: null, events: 90 }),
      ])
      expect(
        await store.alerts.windowTotals('org_b', {
          from: T,
          to: T + 3 * H,
          scope: { environment: null, agent: null, service: null },
          groupByAgent: false,
          latency: false,
        }),
      ).toEqual([])
    })

    it('finds services an agent never used in the weeks before, and says when one is a tool', async () => {
      await append('org_a', [
        { agent: 'a', service: 'openai', status: 'success', ts: T - 5 * 86_400_000 },
        { agent: 'a', service: 'search', status: 'success', ts: T - 2 * H },
        { agent: 'a', service: 'openai', status: 'success', ts: T + M },
        { agent: 'a', service: 'search', status: 'success', ts: T + 2 * M },
        { agent: 'a', service: 'stripe', kind: 'tool_call', status: 'success', ts: T + 3 * M },
        { agent: 'b', service: 'openai', status: 'success', ts: T + 4 * M },
      ])
      await roll()
      const found = await store.alerts.newServices('org_a', T, T + H, T - 28 * 86_400_000)
      expect(found.map((n) => [n.agent, n.service, n.events, n.kind]).sort()).toEqual([
        ['a', 'stripe', 1, 'tool_call'],
        ['b', 'openai', 1, 'action'],
      ])
    })

    it('applies a change only over the step it was computed from, with its records', async () => {
      await store.alerts.listRules('org_a')
      const series = '["production","a",null]'
      const state = (step: number): SeriesState => ({
        rule_id: 'anomaly-actions-per-hour',
        series,
        environment: 'production',
        agent: 'a',
        service: null,
        state: 'firing',
        severity: 'critical',
        quiet: 0,
        last_window: T + H,
        alert_id: 'alert-1',
        since: T,
        step,
        history: [],
        alert: { alert_type: 'actions_anomaly', message: 'm', metadata: {}, created_at: T },
      })
      const record = newEvent(
        { kind: 'audit', action: 'alert.created', status: 'success', user: 'system' },
        T,
      )
      const create: SeriesChange = {
        rule_id: 'anomaly-actions-per-hour',
        series,
        fromStep: 0,
        next: state(1),
        alert: {
          op: 'create',
          id: 'alert-1',
          environment: 'production',
          agent_name: 'a',
          alert_type: 'actions_anomaly',
          severity: 'critical',
          message: 'm',
          metadata: { value: 1 },
          state: 'firing',
          rule_id: 'anomaly-actions-per-hour',
          series,
          history: [],
          created_at: T,
          updated_at: T,
          resolved_at: null,
        },
      }
      expect(await store.alerts.apply('org_a', [{ change: create, records: [record] }])).toBe(1)
      // The same change again (a second evaluator): dropped, records and all.
      const again = newEvent({ kind: 'audit', action: 'alert.created', status: 'success' }, T)
      expect(await store.alerts.apply('org_a', [{ change: create, records: [again] }])).toBe(0)
      expect(await store.events.get('org_a', again.id)).toBeUndefined()
      expect(await store.events.get('org_a', record.id)).toBeDefined()
      expect(await store.alerts.seriesStates('org_a')).toEqual([state(1)])

      const resolve: SeriesChange = {
        ...create,
        fromStep: 1,
        next: null,
        alert: {
          ...create.alert!,
          op: 'update',
          state: 'resolved',
          resolved_at: T + 2 * H,
          updated_at: T + 2 * H,
        },
      }
      expect(await store.alerts.apply('org_a', [{ change: resolve, records: [] }])).toBe(1)
      expect(await store.alerts.seriesStates('org_a')).toEqual([])
      const [alert] = await store.control.listAlerts('org_a', { all: true, limit: 10 })
      expect(alert).toMatchObject({
        id: 'alert-1',
        state: 'resolved',
        rule_id: 'anomaly-actions-per-hour',
        series,
        resolved_at: new Date(T + 2 * H).toISOString(),
      })
      expect(await store.control.getAlert('org_a', 'alert-1')).toEqual(alert)
      expect(
        await store.control.listAlerts('org_a', { all: true, limit: 10, state: 'firing' }),
      ).toEqual([])

      // A series of a rule that no longer exists is not stored.
      const orphan = { ...create, rule_id: 'gone', next: { ...state(1), rule_id: 'gone' } }
      delete (orphan as Partial<SeriesChange>).alert
      expect(await store.alerts.apply('org_a', [{ change: orphan, records: [] }])).toBe(0)
    })
  })
}
