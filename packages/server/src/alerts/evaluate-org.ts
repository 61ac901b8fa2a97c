import { uuidv7 } from '@agenttrail/protocol'
import type { NewEvent } from '@agenttrail/protocol'
import type { AlertStore } from '../store/alert-store.js'
import { HOUR_MS } from '../store/time-buckets.js'
import type {
  AgentHistory,
  AlertRule,
  AlertSnapshot,
  AlertTransition,
  AlertUpsert,
  AnomalyRule,
  HourRow,
  RuleScope,
  SeriesChange,
  SeriesState,
  ThresholdRule,
} from '../store/alert-model.js'
import { transitionRecord } from './alert-records.js'
import { alertWords } from './alert-words.js'
import type { Detail } from './alert-words.js'
import type { HourMetric } from './baseline.js'
import {
  LOOKBACK_MS,
  MIN_ACTIONS,
  MIN_DAYS,
  baselineOf,
  hoursToRead,
  sampleHours,
} from './baseline.js'
import type { Verdict } from './detect.js'
import { QUIET, detect } from './detect.js'
import type { Look, Step } from './lifecycle.js'
import { step } from './lifecycle.js'
import { thresholdVerdict } from './threshold.js'

/** A closed hour is judged once it has been closed this long: late events and the roller land first. */
export const CLOSE_GRACE_MS = 120_000

/** The key of an environment and agent in the maps below. */
const agentKey = (environment: string, agent: string) => `${environment}\u0000${agent}`
/** A series' id within its rule: JSON of [environment, agent, service]. */
export const seriesKey = (s: RuleScope) => JSON.stringify([s.environment, s.agent, s.service])

const inScope = (scope: RuleScope, environment: string, agent: string) =>
  (scope.environment === null || scope.environment === environment) &&
  (scope.agent === null || scope.agent === agent)

/**
 * What the evaluator keeps between passes, per org: the last closed hour its anomalies were judged
 * on (a closed hour is judged once; the passes in between look at the hour running only), and the
 * rollup rows of the sample hours of the hour running, which do not change within it.
 */
export interface EvaluatorMemo {
  judged: Map<string, number>
  samples: Map<string, { hour: number; rows: HourRow[] }>
}

export const newEvaluatorMemo = (): EvaluatorMemo => ({ judged: new Map(), samples: new Map() })

/** The last hour that closed at least `CLOSE_GRACE_MS` ago. */
const closedHour = (now: number) => Math.floor((now - CLOSE_GRACE_MS) / HOUR_MS) * HOUR_MS - HOUR_MS

/** What one evaluation of one org found and changed. */
export interface OrgPass {
  /** Series judged (a rule on one environment and agent, or one service). */
  series: number
  changes: number
}

/**
 * Evaluates every enabled rule of one org at `now` and applies what moved, with its records, in
 * one transaction: the anomaly detectors on the last closed hour (and, for an extreme spike only,
 * on the hour still running), the threshold rules on their window ending at the minute.
 */
export async function evaluateOrg(
  alerts: AlertStore,
  orgId: string,
  now: number,
  memo?: EvaluatorMemo,
): Promise<OrgPass> {
  const rules = (await alerts.listRules(orgId)).filter((r) => r.enabled)
  const states = new Map<string, SeriesState>()
  for (const s of await alerts.seriesStates(orgId)) states.set(`${s.rule_id}\u0000${s.series}`, s)
  const out: Array<{ change: SeriesChange; records: NewEvent[] }> = []
  let judged = 0

  const move = (
    rule: AlertRule,
    scope: RuleScope,
    verdict: Verdict,
    look: Look,
    detail?: Detail,
  ) => {
    judged++
    const series = seriesKey(scope)
    const key = `${rule.id}\u0000${series}`
    const current = states.get(key)
    const s = step(
      current,
      verdict,
      look,
      { rule_id: rule.id, series, newAlertId: () => uuidv7(now), scope },
      now,
    )
    if (s === undefined) return
    const applied = change(orgId, rule, scope, series, current, s, verdict, look, now, detail)
    out.push(applied)
    // A later look at the same series in this pass builds on this one.
    if (applied.change.next) states.set(key, applied.change.next)
    else states.delete(key)
  }

  const anomalies = rules.filter((r): r is AnomalyRule => r.type === 'anomaly')
  const closed = closedHour(now)
  const judgedBefore = memo?.judged.get(orgId) === closed
  if (anomalies.length > 0)
    await judgeAnomalies(alerts, orgId, now, anomalies, states, move, judgedBefore, memo)
  for (const rule of rules)
    if (rule.type === 'threshold') await judgeThreshold(alerts, orgId, now, rule, states, move)

  // Series of a rule disabled or deleted since they opened: resolved (or cleared) now.
  const live = new Set(rules.map((r) => r.id))
  for (const s of states.values()) if (!live.has(s.rule_id)) out.push(closeSeries(orgId, s, now))

  const changes = out.length > 0 ? await alerts.apply(orgId, out) : 0
  memo?.judged.set(orgId, closed)
  return { series: judged, changes }
}

type Move = (
  rule: AlertRule,
  scope: RuleScope,
  verdict: Verdict,
  look: Look,
  detail?: Detail,
) => void

async function judgeAnomalies(
  alerts: AlertStore,
  orgId: string,
  now: number,
  rules: AnomalyRule[],
  states: ReadonlyMap<string, SeriesState>,
  move: Move,
  closedJudged: boolean,
  memo: EvaluatorMemo | undefined,
) {
  const closed = closedHour(now)
  const running = Math.floor(now / HOUR_MS) * HOUR_MS
  // The hours not judged closed yet: the one running, and in the first minutes of an hour the one
  // that just closed (judged closed after the grace); an extreme spike in either fires at once.
  const openHours = running - closed > HOUR_MS ? [closed + HOUR_MS, running] : [running]
  const judgedNow = [closed, ...openHours]
  const rows = new Map<string, Map<number, HourRow>>()
  // The sample hours are past hours: read once per hour running; the judged hours every pass.
  let samples = memo?.samples.get(orgId)
  if (samples?.hour !== running) {
    const past = hoursToRead(judgedNow).filter((b) => !judgedNow.includes(b))
    samples = { hour: running, rows: await alerts.hourRows(orgId, past) }
    memo?.samples.set(orgId, samples)
  }
  for (const r of [...samples.rows, ...(await alerts.hourRows(orgId, judgedNow))]) {
    const key = agentKey(r.environment, r.agent)
    let byHour = rows.get(key)
    if (!byHour) rows.set(key, (byHour = new Map()))
    byHour.set(r.bucket, r)
  }
  const histories = new Map<string, AgentHistory>()
  for (const h of await alerts.agentHistory(orgId, closed - LOOKBACK_MS))
    histories.set(agentKey(h.environment, h.agent), h)
  const learned = (environment: string, agent: string) => {
    const h = histories.get(agentKey(environment, agent))
    return h !== undefined && h.events >= MIN_ACTIONS && h.days >= MIN_DAYS ? h : undefined
  }
  // The series with an open state, so that they can resolve when their agent has gone quiet.
  const open = new Set<string>()
  for (const s of states.values())
    if (s.environment !== null && s.agent !== null) open.add(agentKey(s.environment, s.agent))

  const looks: Array<[number, Look]> = [
    ...(closedJudged
      ? []
      : [[closed, { from: closed, to: closed + HOUR_MS, closed: true }] as [number, Look]]),
    ...openHours.map((hour): [number, Look] => [
      hour,
      { from: hour, to: Math.min(hour + HOUR_MS, now), closed: false },
    ]),
  ]
  for (const rule of rules) {
    if (rule.metric === 'new_service') continue
    const metric: HourMetric = rule.metric
    for (const key of new Set([...rows.keys(), ...open])) {
      const [environment, agent] = key.split('\u0000') as [string, string]
      if (!inScope(rule.scope, environment, agent)) continue
      const history = learned(environment, agent)
      const byHour = rows.get(key) ?? new Map<number, HourRow>()
      const scope = { environment, agent, service: null }
      for (const [window, look] of looks) {
        const row = byHour.get(window)
        if (!history) {
          // Still learning: no alert can start, and one left open (history deleted) goes quiet.
          if (look.closed) move(rule, scope, QUIET, look)
          continue
        }
        const { method, buckets } = sampleHours(window, history.first_seen)
        const baseline = baselineOf(metric, method, buckets, byHour)
        const verdict = baseline ? detect(metric, baseline, row) : QUIET
        move(rule, scope, verdict, look, {
          ...(baseline && { baseline }),
          events: row?.events ?? 0,
          failures: metric === 'denied_rate' ? (row?.denied ?? 0) : (row?.errors ?? 0),
        })
      }
    }
  }

  const services = rules.find((r) => r.metric === 'new_service')
  if (!services) return
  for (const [window, look] of looks) {
    const found = await alerts.newServices(orgId, window, look.to, window - LOOKBACK_MS)
    const seen = new Set<string>()
    for (const n of found) {
      if (!inScope(services.scope, n.environment, n.agent)) continue
      if (!learned(n.environment, n.agent)) continue
      const scope = { environment: n.environment, agent: n.agent, service: n.service }
      seen.add(seriesKey(scope))
      move(
        services,
        scope,
        { level: 'warning', extreme: true, value: n.events, expected: 0, score: null },
        look,
        { service: { name: n.service, kind: n.kind }, events: n.events },
      )
    }
    if (!look.closed) continue
    // A service seen before this hour is no longer new: its open series have a quiet window.
    for (const s of states.values())
      if (s.rule_id === services.id && !seen.has(s.series))
        move(
          services,
          { environment: s.environment, agent: s.agent, service: s.service },
          QUIET,
          look,
        )
  }
}

async function judgeThreshold(
  alerts: AlertStore,
  orgId: string,
  now: number,
  rule: ThresholdRule,
  states: ReadonlyMap<string, SeriesState>,
  move: Move,
) {
  const to = Math.floor(now / 60_000) * 60_000
  const from = to - rule.window_minutes * 60_000
  const look: Look = { from, to, closed: true }
  const byAgent = rule.group_by === 'agent'
  const totals = await alerts.windowTotals(orgId, {
    from,
    to,
    scope: rule.scope,
    groupByAgent: byAgent,
    latency: rule.metric === 'latency_p95',
  })
  const scopeOf = (environment: string | null, agent: string | null): RuleScope =>
    byAgent ? { environment, agent, service: rule.scope.service } : { ...rule.scope }
  const seen = new Set<string>()
  for (const t of totals) {
    const scope = scopeOf(t.environment, t.agent)
    seen.add(seriesKey(scope))
    const verdict = thresholdVerdict(rule, t)
    if (verdict)
      move(rule, scope, verdict, look, {
        events: t.events,
        failures: rule.metric === 'denied_rate' ? t.denied : t.errors,
      })
  }
  // Series with nothing in the window: the whole scope (not split), or an agent that went quiet.
  const quiet: RuleScope[] = []
  if (!byAgent && !seen.has(seriesKey(scopeOf(null, null)))) quiet.push(scopeOf(null, null))
  for (const s of states.values())
    if (s.rule_id === rule.id && !seen.has(s.series))
      quiet.push({ environment: s.environment, agent: s.agent, service: s.service })
  for (const scope of quiet) {
    if (seen.has(seriesKey(scope))) continue
    seen.add(seriesKey(scope))
    const verdict = thresholdVerdict(rule, undefined)
    if (verdict) move(rule, scope, verdict, look, { events: 0 })
  }
}

/** The stored change and the trail's record of one step. */
function change(
  orgId: string,
  rule: AlertRule,
  scope: RuleScope,
  series: string,
  current: SeriesState | undefined,
  s: Step,
  verdict: Verdict,
  look: Look,
  now: number,
  detail: Detail | undefined,
): { change: SeriesChange; records: NewEvent[] } {
  const history = [...(current?.history ?? []), s.transition]
  const alertId = s.next?.alert_id ?? (current as SeriesState).alert_id
  // The words are written when the series pends, fires or escalates; later steps repeat them.
  const fresh = s.alert === 'create' || s.transition.state === 'escalated' || !current?.alert
  const createdAt = s.alert === 'create' ? now : (current?.alert?.created_at ?? now)
  const snapshot = fresh
    ? { ...alertWords(rule, scope, verdict, look, detail), created_at: createdAt }
    : (current?.alert as AlertSnapshot)
  const next: SeriesState | null = s.next && {
    ...s.next,
    history,
    alert: s.next.state === 'pending' ? null : snapshot,
  }
  const state =
    s.transition.state === 'resolved'
      ? 'resolved'
      : s.transition.state === 'pending' || s.transition.state === 'cleared'
        ? 'pending'
        : 'firing'
  const alert: AlertUpsert = {
    op: s.alert === 'create' ? 'create' : 'update',
    id: alertId,
    environment: scope.environment ?? '',
    agent_name: scope.agent,
    alert_type: snapshot.alert_type,
    severity: s.transition.severity,
    message: snapshot.message,
    metadata: snapshot.metadata,
    state,
    rule_id: rule.id,
    series,
    history,
    created_at: createdAt,
    updated_at: now,
    resolved_at: state === 'resolved' ? now : null,
  }
  return {
    change: {
      rule_id: rule.id,
      series,
      fromStep: current?.step ?? 0,
      next,
      ...(s.alert !== 'none' && { alert }),
    },
    records: [transitionRecord(orgId, alert, s.transition, now)],
  }
}

/** Closes the series of a rule that no longer runs: its alert resolved, a pending one cleared. */
function closeSeries(
  orgId: string,
  s: SeriesState,
  now: number,
): { change: SeriesChange; records: NewEvent[] } {
  const at = new Date(now).toISOString()
  const transition: AlertTransition = {
    state: s.alert ? 'resolved' : 'cleared',
    at,
    severity: s.severity,
    value: null,
    window: { from: at, to: at },
  }
  const words = s.alert ?? {
    alert_type: 'alert_rule',
    message: 'The rule was disabled or deleted before its alert fired',
    metadata: {},
    created_at: now,
  }
  const alert: AlertUpsert = {
    op: 'update',
    id: s.alert_id,
    environment: s.environment ?? '',
    agent_name: s.agent,
    alert_type: words.alert_type,
    severity: s.severity,
    message: words.message,
    metadata: { ...words.metadata, closed_because: 'the rule was disabled or deleted' },
    state: s.alert ? 'resolved' : 'pending',
    rule_id: s.rule_id,
    series: s.series,
    history: [...s.history, transition],
    created_at: words.created_at,
    updated_at: now,
    resolved_at: s.alert ? now : null,
  }
  return {
    change: {
      rule_id: s.rule_id,
      series: s.series,
      fromStep: s.step,
      next: null,
      ...(s.alert && { alert }),
    },
    records: [transitionRecord(orgId, alert, transition, now)],
  }
}
