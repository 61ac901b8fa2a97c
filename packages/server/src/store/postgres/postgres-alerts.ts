import type pg from 'pg'
import type { NewEvent } from '@agenttrail/protocol'
import type {
  AgentHistory,
  AlertRule,
  HourRow,
  NewServiceRow,
  SeriesChange,
  WindowQuery,
} from '../alert-model.js'
import { builtinRules } from '../alert-builtins.js'
import type { Enforcement } from '../../control/enforcement.js'
import type { AlertStore } from '../alert-store.js'
import type { RuleRow, TotalsRow } from '../alert-rows.js'
import {
  RULE_ORDER,
  historyBuckets,
  ruleColumns,
  ruleFromRow,
  seriesFromBody,
  totalsAccumulator,
  windowFilters,
} from '../alert-rows.js'
import { DAY_MS, HOUR_MS, ceilTo, floorTo } from '../time-buckets.js'
import { PG_LATENCY_BUCKET, appendInTransaction } from './postgres-append.js'
import type { ControlsCache } from './postgres-control-ops.js'
import { withTransaction } from './postgres-tx.js'

const INSERT_RULE = `INSERT INTO alert_rules (org_id, id, type, builtin, name, enabled, metric, config, created_at, updated_at)
  VALUES ($1, $2, $3, $4::int::boolean, $5, $6::int::boolean, $7, $8, $9, $10) ON CONFLICT DO NOTHING`
const SUMS =
  'sum(events) AS events, sum(errors) AS errors, sum(denied) AS denied, sum(cost_micros) AS cost_micros'
const RAW_SUMS = `count(*) AS events, count(*) FILTER (WHERE status = 'error') AS errors,
  count(*) FILTER (WHERE status = 'denied') AS denied, coalesce(sum(cost_micros), 0) AS cost_micros`

const ruleParams = (orgId: string, rule: AlertRule) => {
  const c = ruleColumns(rule)
  return [
    orgId,
    c.id,
    c.type,
    c.builtin,
    c.name,
    c.enabled,
    c.metric,
    c.config,
    c.created_at,
    c.updated_at,
  ]
}

/**
 * The watch stage on PostgreSQL. Rollups are written in the append's transaction here, so the
 * evaluator reads them as they are; its changes are applied under the org's lock, each only over
 * the step it was computed from, so two evaluators on one database never raise an alert twice.
 */
export function createPostgresAlerts(
  pool: pg.Pool,
  cache: ControlsCache,
  enforce: Enforcement,
): AlertStore {
  const rulesReady = new Set<string>()
  const ensureRules = async (orgId: string) => {
    if (rulesReady.has(orgId)) return
    const now = Date.now()
    await withTransaction(pool, async (c) => {
      for (const rule of builtinRules(now)) await c.query(INSERT_RULE, ruleParams(orgId, rule))
    })
    rulesReady.add(orgId)
  }

  return {
    async listRules(orgId) {
      await ensureRules(orgId)
      const { rows } = await pool.query<RuleRow>(
        `SELECT * FROM alert_rules WHERE org_id = $1 ${RULE_ORDER}`,
        [orgId],
      )
      return rows.map(ruleFromRow)
    },
    async getRule(orgId, id) {
      await ensureRules(orgId)
      const { rows } = await pool.query<RuleRow>(
        'SELECT * FROM alert_rules WHERE org_id = $1 AND id = $2',
        [orgId, id],
      )
      return rows[0] && ruleFromRow(rows[0])
    },
    async createRule(orgId, rule) {
      await pool.query(INSERT_RULE, ruleParams(orgId, rule))
      return rule
    },
    async updateRule(orgId, rule) {
      const c = ruleColumns(rule)
      const { rowCount } = await pool.query(
        `UPDATE alert_rules SET name = $3, enabled = $4::int::boolean, metric = $5, config = $6, updated_at = $7
         WHERE org_id = $1 AND id = $2`,
        [orgId, c.id, c.name, c.enabled, c.metric, c.config, c.updated_at],
      )
      return (rowCount ?? 0) > 0
    },
    async deleteRule(orgId, id) {
      const { rowCount } = await pool.query(
        'DELETE FROM alert_rules WHERE org_id = $1 AND id = $2 AND NOT builtin',
        [orgId, id],
      )
      return (rowCount ?? 0) > 0
    },

    async watchedOrgs(since) {
      const { rows } = await pool.query<{ org_id: string }>(
        `SELECT org_id FROM agents WHERE last_seen >= $1
         UNION SELECT org_id FROM alert_series
         UNION SELECT org_id FROM alert_rules WHERE NOT builtin OR updated_at > created_at`,
        [since],
      )
      return rows.map((r) => r.org_id)
    },
    async hourRows(orgId, buckets) {
      const { rows } = await pool.query<HourRow>(
        `SELECT environment, agent, bucket::float8 AS bucket, events::float8 AS events, errors::float8 AS errors,
           denied::float8 AS denied, duration_count::float8 AS duration_count,
           duration_sum::float8 AS duration_sum, cost_micros::float8 AS cost_micros
         FROM rollups WHERE org_id = $1 AND grain = 'h' AND dim = 'total' AND bucket = ANY($2::bigint[])
           AND agent <> ''`,
        [orgId, buckets.map((b) => Math.trunc(b))],
      )
      return rows
    },
    async agentHistory(orgId, from): Promise<AgentHistory[]> {
      const { rows } = await pool.query<AgentHistory>(
        `SELECT a.environment, a.name AS agent, a.first_seen::float8 AS first_seen,
           coalesce(d.events, 0)::float8 AS events, coalesce(d.days, 0)::float8 AS days
         FROM agents a LEFT JOIN (
           SELECT environment, agent, sum(events) AS events, count(*) AS days FROM rollups
           WHERE org_id = $1 AND grain = 'd' AND dim = 'total' AND bucket >= $3 AND agent <> ''
           GROUP BY environment, agent
         ) d ON d.environment = a.environment AND d.agent = a.name
         WHERE a.org_id = $1 AND a.last_seen >= $2`,
        [orgId, from, floorTo(from, DAY_MS)],
      )
      return rows
    },
    async newServices(orgId, from, to, historyFrom): Promise<NewServiceRow[]> {
      const { days, hours } = historyBuckets(historyFrom, from)
      const { rows } = await pool.query<Omit<NewServiceRow, 'kind'>>(
        `SELECT w.environment, w.agent, w.value AS service, sum(w.events)::float8 AS events FROM rollups w
         WHERE w.org_id = $1 AND w.grain = 'h' AND w.dim = 'agent_service' AND w.bucket >= $2 AND w.bucket < $3
           AND w.agent <> '' AND w.value <> ''
           AND NOT EXISTS (SELECT 1 FROM rollups h WHERE h.org_id = w.org_id AND h.grain = 'd'
             AND h.dim = 'agent_service' AND h.bucket = ANY($4::bigint[])
             AND h.environment = w.environment AND h.agent = w.agent AND h.value = w.value)
           AND NOT EXISTS (SELECT 1 FROM rollups h WHERE h.org_id = w.org_id AND h.grain = 'h'
             AND h.dim = 'agent_service' AND h.bucket = ANY($5::bigint[])
             AND h.environment = w.environment AND h.agent = w.agent AND h.value = w.value)
         GROUP BY 1, 2, 3`,
        [orgId, floorTo(from, HOUR_MS), to, days, hours],
      )
      const out: NewServiceRow[] = []
      for (const n of rows) {
        const kind = await pool.query<{ kind: string }>(
          `SELECT kind FROM events WHERE org_id = $1 AND agent = $2 AND environment = $3 AND service = $4
             AND ts >= $5 AND ts < $6 ORDER BY ts LIMIT 1`,
          [orgId, n.agent, n.environment, n.service, from, to],
        )
        out.push({ ...n, kind: kind.rows[0]?.kind ?? null })
      }
      return out
    },
    async windowTotals(orgId, q: WindowQuery) {
      const params: unknown[] = [orgId]
      const f = windowFilters(q, (v) => {
        params.push(v)
        return `$${params.length}`
      })
      const acc = totalsAccumulator(q.groupByAgent)
      const base = params.length
      const queries: Array<Promise<void>> = []
      const run = <R>(sql: string, args: unknown[], each: (r: R) => void) =>
        queries.push(
          pool.query(sql, args).then(({ rows }) => {
            for (const r of rows as R[]) each(r)
          }),
        )
      const hStart = ceilTo(q.from, HOUR_MS)
      const hEnd = floorTo(q.to, HOUR_MS)
      const raw = (from: number, to: number) => {
        const args = params.slice(0, base)
        const p = (v: unknown) => {
          args.push(v)
          return `$${args.length}`
        }
        const range = `org_id = $1 AND ts >= ${p(from)} AND ts < ${p(to)} AND ${f.raw}`
        run<TotalsRow>(
          `SELECT environment, agent, ${RAW_SUMS} FROM events WHERE ${range} GROUP BY environment, agent`,
          args,
          acc.add,
        )
        if (q.latency)
          run<{ environment: string; agent: string; latency: number; events: string }>(
            `SELECT environment, agent, ${PG_LATENCY_BUCKET} AS latency, count(*) AS events FROM events
             WHERE ${range} AND duration_ms IS NOT NULL GROUP BY 1, 2, 3`,
            args,
            acc.addLatency,
          )
      }
      if (hStart >= hEnd) raw(q.from, q.to)
      else {
        const args = params.slice(0, base)
        const range = `org_id = $1 AND grain = 'h' AND bucket >= $${args.push(hStart)} AND bucket < $${args.push(hEnd)}`
        // f.dim is one of two constants.
        run<TotalsRow>(
          `SELECT environment, agent, ${SUMS} FROM rollups WHERE ${range} AND dim = '${f.dim}'
             AND ${f.rollup} GROUP BY environment, agent`,
          args,
          acc.add,
        )
        if (q.latency)
          run<{ environment: string; agent: string; latency: number; events: string }>(
            `SELECT environment, agent, latency, sum(events) AS events FROM latency_rollups
             WHERE ${range} AND dim = 'agent' AND ${f.rollup} GROUP BY environment, agent, latency`,
            args,
            acc.addLatency,
          )
        if (q.from < hStart) raw(q.from, hStart)
        if (hEnd < q.to) raw(hEnd, q.to)
      }
      await Promise.all(queries)
      return acc.list()
    },

    async seriesStates(orgId) {
      const { rows } = await pool.query<{ body: string }>(
        'SELECT body FROM alert_series WHERE org_id = $1',
        [orgId],
      )
      return rows.map((r) => seriesFromBody(r.body))
    },
    apply: (orgId, changes: ReadonlyArray<{ change: SeriesChange; records: NewEvent[] }>) =>
      withTransaction(
        pool,
        async (c) => {
          let applied = 0
          for (const { change: ch, records } of changes) {
            const { rows } = await c.query<{ step: number }>(
              'SELECT step FROM alert_series WHERE org_id = $1 AND rule_id = $2 AND series = $3',
              [orgId, ch.rule_id, ch.series],
            )
            // Another evaluator moved this series on first: its change stands, this one is dropped.
            if ((rows[0]?.step ?? 0) !== ch.fromStep) continue
            if (ch.next === null)
              await c.query(
                'DELETE FROM alert_series WHERE org_id = $1 AND rule_id = $2 AND series = $3',
                [orgId, ch.rule_id, ch.series],
              )
            else {
              const rule = await c.query(
                'SELECT 1 FROM alert_rules WHERE org_id = $1 AND id = $2',
                [orgId, ch.rule_id],
              )
              if (rule.rowCount === 0) continue
              await c.query(
                `INSERT INTO alert_series (org_id, rule_id, series, step, body) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (org_id, rule_id, series) DO UPDATE SET step = EXCLUDED.step, body = EXCLUDED.body`,
                [orgId, ch.rule_id, ch.series, ch.next.step, JSON.stringify(ch.next)],
              )
            }
            if (ch.alert) {
              const a = ch.alert
              if (a.op === 'create')
                await c.query(
                  `INSERT INTO alerts (org_id, id, environment, agent_name, alert_type, severity, message, metadata,
                     created_at, state, rule_id, series, history, updated_at, resolved_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
                  [
                    orgId,
                    a.id,
                    a.environment,
                    a.agent_name,
                    a.alert_type,
                    a.severity,
                    a.message,
                    JSON.stringify(a.metadata),
                    a.created_at,
                    a.state,
                    a.rule_id,
                    a.series,
                    JSON.stringify(a.history),
                    a.updated_at,
                    a.resolved_at,
                  ],
                )
              else
                await c.query(
                  `UPDATE alerts SET severity = $3, message = $4, metadata = $5, state = $6, history = $7,
                     updated_at = $8, resolved_at = $9 WHERE org_id = $1 AND id = $2`,
                  [
                    orgId,
                    a.id,
                    a.severity,
                    a.message,
                    JSON.stringify(a.metadata),
                    a.state,
                    JSON.stringify(a.history),
                    a.updated_at,
                    a.resolved_at,
                  ],
                )
            }
            await appendInTransaction(
              c,
              records.map((event) => ({ orgId, event, system: true })),
              cache,
              enforce,
            )
            applied++
          }
          return applied
        },
        // Under the org's lock: the evaluators of several servers take turns, and the records get
        // their seq like every append.
        { lockOrg: orgId },
      ),
  }
}
