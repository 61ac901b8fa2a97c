import type Database from 'better-sqlite3'
import type {
  AgentHistory,
  HourRow,
  NewServiceRow,
  WindowQuery,
  WindowTotals,
} from '../alert-model.js'
import type { RuleRow, TotalsRow } from '../alert-rows.js'
import {
  RULE_ORDER,
  historyBuckets,
  ruleFromRow,
  seriesFromBody,
  totalsAccumulator,
  windowFilters,
} from '../alert-rows.js'
import { HOUR_MS, ceilTo, floorTo } from '../time-buckets.js'
import { LATENCY_BUCKET_SQL } from './sqlite-rollups.js'

const HOUR_COLUMNS =
  'environment, agent, bucket, events, errors, denied, duration_count, duration_sum, cost_micros'
const SUMS =
  'sum(events) AS events, sum(errors) AS errors, sum(denied) AS denied, sum(cost_micros) AS cost_micros'
const RAW_SUMS = `count(*) AS events, sum(status = 'error') AS errors, sum(status = 'denied') AS denied,
  coalesce(sum(cost_micros), 0) AS cost_micros`

/** The watch stage's reads on SQLite, on the readers' connection. */
export function createSqliteAlertReads(db: Database.Database) {
  const rules = db.prepare<[string], RuleRow>(
    `SELECT * FROM alert_rules WHERE org_id = ? ${RULE_ORDER}`,
  )
  const rule = db.prepare<[string, string], RuleRow>(
    'SELECT * FROM alert_rules WHERE org_id = ? AND id = ?',
  )
  const watched = db.prepare<[number], { org_id: string }>(
    `SELECT org_id FROM agents WHERE last_seen >= ?
     UNION SELECT org_id FROM alert_series
     UNION SELECT org_id FROM alert_rules WHERE builtin = 0 OR updated_at > created_at`,
  )
  const agents = db.prepare<
    [string, number],
    { environment: string; agent: string; first_seen: number }
  >('SELECT environment, name AS agent, first_seen FROM agents WHERE org_id = ? AND last_seen >= ?')
  const days = db.prepare<
    [string, number],
    { environment: string; agent: string; events: number; days: number }
  >(
    `SELECT environment, agent, sum(events) AS events, count(*) AS days FROM rollups
     WHERE org_id = ? AND grain = 'd' AND dim = 'total' AND bucket >= ? AND agent <> ''
     GROUP BY environment, agent`,
  )
  const states = db.prepare<[string], { body: string }>(
    'SELECT body FROM alert_series WHERE org_id = ?',
  )
  const kindOf = db.prepare<[string, string, string, string, number, number], { kind: string }>(
    `SELECT kind FROM events WHERE org_id = ? AND agent = ? AND environment = ? AND service = ?
       AND ts >= ? AND ts < ? ORDER BY ts LIMIT 1`,
  )
  const rolledUpTo = db.prepare<[], { value: number }>(
    "SELECT value FROM meta WHERE key = 'rollup_rowid'",
  )

  const windowTotals = db.transaction((orgId: string, q: WindowQuery): WindowTotals[] => {
    const params: unknown[] = []
    const f = windowFilters(q, (v) => {
      params.push(v)
      return '?'
    })
    const acc = totalsAccumulator(q.groupByAgent)
    const cursor = (rolledUpTo.get() as { value: number }).value
    const fromRollups = (from: number, to: number) => {
      for (const r of db
        .prepare<unknown[], TotalsRow>(
          `SELECT environment, agent, ${SUMS} FROM rollups WHERE org_id = ? AND grain = 'h' AND dim = ?
             AND bucket >= ? AND bucket < ? AND ${f.rollup} GROUP BY environment, agent`,
        )
        .all(orgId, f.dim, from, to, ...params))
        acc.add(r)
      if (q.latency)
        for (const r of db
          .prepare<
            unknown[],
            { environment: string; agent: string; latency: number; events: number }
          >(
            `SELECT environment, agent, latency, sum(events) AS events FROM latency_rollups
             WHERE org_id = ? AND grain = 'h' AND dim = 'agent' AND bucket >= ? AND bucket < ?
               AND ${f.rollup} GROUP BY environment, agent, latency`,
          )
          .all(orgId, from, to, ...params))
          acc.addLatency(r)
    }
    // Raw events in [from, to); with `after`, only those the roller has not reached.
    const fromRaw = (from: number, to: number, after?: number) => {
      const source = after === undefined ? 'events' : 'events NOT INDEXED'
      const tail = after === undefined ? '' : ' AND rowid > ?'
      const args = [orgId, from, to, ...(after === undefined ? [] : [after]), ...params]
      for (const r of db
        .prepare<unknown[], TotalsRow>(
          `SELECT environment, agent, ${RAW_SUMS} FROM ${source} WHERE org_id = ? AND ts >= ? AND ts < ?${tail}
             AND ${f.raw} GROUP BY environment, agent`,
        )
        .all(...args))
        acc.add(r)
      if (q.latency)
        for (const r of db
          .prepare<
            unknown[],
            { environment: string; agent: string; latency: number; events: number }
          >(
            `SELECT environment, agent, ${LATENCY_BUCKET_SQL} AS latency, count(*) AS events FROM ${source}
             WHERE org_id = ? AND ts >= ? AND ts < ?${tail} AND duration_ms IS NOT NULL AND ${f.raw}
             GROUP BY 1, 2, 3`,
          )
          .all(...args))
          acc.addLatency(r)
    }
    const hStart = ceilTo(q.from, HOUR_MS)
    const hEnd = floorTo(q.to, HOUR_MS)
    if (hStart >= hEnd) fromRaw(q.from, q.to)
    else {
      fromRollups(hStart, hEnd)
      if (q.from < hStart) fromRaw(q.from, hStart)
      if (hEnd < q.to) fromRaw(hEnd, q.to)
      fromRaw(hStart, hEnd, cursor)
    }
    return acc.list()
  })

  return {
    listRules: (orgId: string) => rules.all(orgId).map(ruleFromRow),
    getRule: (orgId: string, id: string) => {
      const row = rule.get(orgId, id)
      return row && ruleFromRow(row)
    },
    watchedOrgs: (since: number) => watched.all(since).map((r) => r.org_id),
    hourRows: (orgId: string, buckets: readonly number[]): HourRow[] =>
      buckets.length === 0
        ? []
        : db
            .prepare<unknown[], HourRow>(
              `SELECT ${HOUR_COLUMNS} FROM rollups WHERE org_id = ? AND grain = 'h' AND dim = 'total'
                 AND bucket IN (${buckets.map(() => '?').join(', ')}) AND agent <> ''`,
            )
            .all(orgId, ...buckets.map((b) => Math.trunc(b))),
    agentHistory: (orgId: string, from: number): AgentHistory[] => {
      const activity = new Map<string, { events: number; days: number }>()
      for (const d of days.all(orgId, floorTo(from, 86_400_000)))
        activity.set(`${d.environment}\u0000${d.agent}`, d)
      return agents.all(orgId, from).map((a) => {
        const d = activity.get(`${a.environment}\u0000${a.agent}`)
        return { ...a, events: d?.events ?? 0, days: d?.days ?? 0 }
      })
    },
    newServices: (
      orgId: string,
      from: number,
      to: number,
      historyFrom: number,
    ): NewServiceRow[] => {
      const { days: dayList, hours } = historyBuckets(historyFrom, from)
      const seen = (grain: 'd' | 'h', list: number[]) =>
        list.length === 0
          ? ''
          : ` AND NOT EXISTS (SELECT 1 FROM rollups h WHERE h.org_id = w.org_id AND h.grain = '${grain}'
               AND h.dim = 'agent_service' AND h.bucket IN (${list.map((b) => Math.trunc(b)).join(', ')})
               AND h.environment = w.environment AND h.agent = w.agent AND h.value = w.value)`
      const found = db
        .prepare<[string, number, number], Omit<NewServiceRow, 'kind'>>(
          `SELECT w.environment, w.agent, w.value AS service, sum(w.events) AS events FROM rollups w
           WHERE w.org_id = ? AND w.grain = 'h' AND w.dim = 'agent_service' AND w.bucket >= ? AND w.bucket < ?
             AND w.agent <> '' AND w.value <> ''${seen('d', dayList)}${seen('h', hours)}
           GROUP BY 1, 2, 3`,
        )
        .all(orgId, floorTo(from, HOUR_MS), to)
      return found.map((n) => ({
        ...n,
        kind: kindOf.get(orgId, n.agent, n.environment, n.service, from, to)?.kind ?? null,
      }))
    },
    windowTotals: (orgId: string, q: WindowQuery) => windowTotals(orgId, q),
    seriesStates: (orgId: string) => states.all(orgId).map((r) => seriesFromBody(r.body)),
  }
}
