import type Database from 'better-sqlite3'
import type { NewEvent } from '@agenttrail/protocol'
import type { AlertRule, SeriesChange } from '../alert-model.js'
import { builtinRules } from '../alert-builtins.js'
import type { AppendItem, AppendOutcome } from '../store.js'
import { ruleColumns } from '../alert-rows.js'

/**
 * The watch stage's writes on SQLite, run by the one writer: rules, and each evaluation's changes
 * with their records in one transaction.
 */
export function createSqliteAlertWrites(
  db: Database.Database,
  append: (items: readonly AppendItem[]) => AppendOutcome[],
) {
  const insertRule = db.prepare(
    `INSERT INTO alert_rules (org_id, id, type, builtin, name, enabled, metric, config, created_at, updated_at)
     VALUES (@org, @id, @type, @builtin, @name, @enabled, @metric, @config, @created_at, @updated_at)
     ON CONFLICT DO NOTHING`,
  )
  const updateRule = db.prepare(
    `UPDATE alert_rules SET name = @name, enabled = @enabled, metric = @metric, config = @config,
       updated_at = @updated_at WHERE org_id = @org AND id = @id`,
  )
  const deleteRule = db.prepare(
    'DELETE FROM alert_rules WHERE org_id = ? AND id = ? AND builtin = 0',
  )
  const ruleExists = db.prepare<[string, string], { one: number }>(
    'SELECT 1 AS one FROM alert_rules WHERE org_id = ? AND id = ?',
  )
  const seriesStep = db.prepare<[string, string, string], { step: number }>(
    'SELECT step FROM alert_series WHERE org_id = ? AND rule_id = ? AND series = ?',
  )
  const putSeries = db.prepare(
    `INSERT INTO alert_series (org_id, rule_id, series, step, body) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET step = excluded.step, body = excluded.body`,
  )
  const dropSeries = db.prepare(
    'DELETE FROM alert_series WHERE org_id = ? AND rule_id = ? AND series = ?',
  )
  const insertAlert = db.prepare(
    `INSERT INTO alerts (org_id, id, environment, agent_name, alert_type, severity, message, metadata,
       created_at, state, rule_id, series, history, updated_at, resolved_at)
     VALUES (@org, @id, @environment, @agent_name, @alert_type, @severity, @message, @metadata,
       @created_at, @state, @rule_id, @series, @history, @updated_at, @resolved_at)`,
  )
  const updateAlert = db.prepare(
    `UPDATE alerts SET severity = @severity, message = @message, metadata = @metadata, state = @state,
       history = @history, updated_at = @updated_at, resolved_at = @resolved_at
     WHERE org_id = @org AND id = @id`,
  )

  const ensureRules = (orgId: string, now: number) => {
    for (const rule of builtinRules(now)) insertRule.run({ org: orgId, ...ruleColumns(rule) })
  }

  const apply = db.transaction(
    (orgId: string, changes: ReadonlyArray<{ change: SeriesChange; records: NewEvent[] }>) => {
      let applied = 0
      for (const { change: c, records } of changes) {
        const step = seriesStep.get(orgId, c.rule_id, c.series)?.step ?? 0
        // Another evaluator moved this series on first: its change stands, this one is dropped.
        if (step !== c.fromStep) continue
        if (c.next === null) dropSeries.run(orgId, c.rule_id, c.series)
        else {
          if (!ruleExists.get(orgId, c.rule_id)) continue
          putSeries.run(orgId, c.rule_id, c.series, c.next.step, JSON.stringify(c.next))
        }
        if (c.alert) {
          const { op, history, metadata, ...a } = c.alert
          const row = {
            org: orgId,
            ...a,
            history: JSON.stringify(history),
            metadata: JSON.stringify(metadata),
          }
          if (op === 'create') insertAlert.run(row)
          else updateAlert.run(row)
        }
        append(records.map((event) => ({ orgId, event, system: true })))
        applied++
      }
      return applied
    },
  )

  return {
    ensureAlertRules: (orgId: string, now: number): void => ensureRules(orgId, now),
    createAlertRule: (orgId: string, rule: AlertRule): AlertRule => {
      insertRule.run({ org: orgId, ...ruleColumns(rule) })
      return rule
    },
    updateAlertRule: (orgId: string, rule: AlertRule): boolean =>
      updateRule.run({ org: orgId, ...ruleColumns(rule) }).changes > 0,
    deleteAlertRule: (orgId: string, id: string): boolean => deleteRule.run(orgId, id).changes > 0,
    applyAlerts: (
      orgId: string,
      changes: ReadonlyArray<{ change: SeriesChange; records: NewEvent[] }>,
    ): number => apply(orgId, changes),
  }
}
