import type { NewEvent } from '@agenttrail/protocol'
import type {
  AgentHistory,
  AlertRule,
  HourRow,
  NewServiceRow,
  SeriesChange,
  SeriesState,
  WindowQuery,
  WindowTotals,
} from './alert-model.js'

/**
 * The watch stage's storage: alert rules, the state of the series they watch, and the reads the
 * evaluator makes of the rollups. One implementation per dialect, run by `alert.contract.ts`.
 */
export interface AlertStore {
  /**
   * The org's rules, built-in ones first (created on first use: the anomaly detectors and the
   * error-rate spike rule), then the org's own by creation.
   */
  listRules(orgId: string): Promise<AlertRule[]>
  getRule(orgId: string, id: string): Promise<AlertRule | undefined>
  /** Stores a new rule of the org's own (the caller gives it its id and times). */
  createRule(orgId: string, rule: AlertRule): Promise<AlertRule>
  /** Replaces a rule's fields (not its id, type or creation); false when it does not exist. */
  updateRule(orgId: string, rule: AlertRule): Promise<boolean>
  /**
   * Deletes a rule of the org's own (built-in ones are not deleted); false when there was none.
   * Its open series are closed by the next evaluation, which records their resolution.
   */
  deleteRule(orgId: string, id: string): Promise<boolean>

  /** Orgs with an agent seen since `since`, a series not ok, or a rule of their own. */
  watchedOrgs(since: number): Promise<string[]>
  /** The org's hourly rollup rows (every environment and agent) at these hour starts. */
  hourRows(orgId: string, buckets: readonly number[]): Promise<HourRow[]>
  /** Per environment and agent: first sight, and actions and active UTC days since `from`. */
  agentHistory(orgId: string, from: number): Promise<AgentHistory[]>
  /** Services agents used in [from, to) and not in [historyFrom, from). */
  newServices(
    orgId: string,
    from: number,
    to: number,
    historyFrom: number,
  ): Promise<NewServiceRow[]>
  /** Exact totals over [from, to): whole hours from the rollups, the edges from the events. */
  windowTotals(orgId: string, query: WindowQuery): Promise<WindowTotals[]>

  /** The org's series that are not ok. */
  seriesStates(orgId: string): Promise<SeriesState[]>
  /**
   * Applies the changes and appends the records (the trail's audit events) in one transaction. A
   * change whose series moved on since `fromStep` is skipped with its records (another evaluator
   * got there first); returns how many changes were applied.
   */
  apply(
    orgId: string,
    changes: ReadonlyArray<{ change: SeriesChange; records: NewEvent[] }>,
  ): Promise<number>
}
