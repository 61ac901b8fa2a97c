import type { OrgControls } from './org-controls.js'

/** An action as rules and permits match it: absent service or action are ''. */
export interface ActionKey {
  environment: string
  agent: string
  service: string
  action: string
}

export interface ApprovalKey extends ActionKey {
  input_hash: string
}

export interface NewApprovalRow extends ApprovalKey {
  id: string
  input: string | null
  cost_micros: number | null
  policy_id: string
  requested_at: number
  expires_at: number
  requested_by: string
  event_id: string
}

export interface PermitRow extends ActionKey {
  id: string
  reserved_micros: number
  created_at: number
  expires_at: number
}

export interface NewAlertRow {
  id: string
  environment: string
  agent_name: string | null
  alert_type: string
  severity: 'info' | 'warning' | 'critical'
  message: string
  metadata: Record<string, unknown>
  created_at: number
}

export interface Counters {
  actions: number
  cost_micros: number
}

/**
 * The reads and writes a decision needs, one small statement each, run inside the transaction that
 * holds the org's lock. Each dialect implements them (SQLite synchronously in its writer, PostgreSQL
 * on the transaction's client); the decision logic in `engine.ts` is written once against them.
 * Counters change with one atomic statement each (`x = x + n`), never read-modify-write in code.
 */
export interface ControlOps {
  /** The org's controls as of `version` (read when not given), from a per-process cache. */
  controls(orgId: string, version?: number): OrgControls
  /** Registers the agent on first sight (zero counts); an existing agent is left as it is. */
  ensureAgent(orgId: string, environment: string, name: string, now: number): void
  budgetUsage(orgId: string, budgetId: string, periodStart: number): Counters
  /**
   * Adds to the period's counters (creating them) and returns them as they are after the change.
   * The cost never goes below zero (a settlement after a reset).
   */
  addBudgetUsage(
    orgId: string,
    budgetId: string,
    periodStart: number,
    actions: number,
    costMicros: number,
  ): Counters
  /** Marks a threshold as announced for the period; true only for the call that marked it. */
  flagBudget(
    orgId: string,
    budgetId: string,
    periodStart: number,
    flag: 'warned' | 'exceeded',
  ): boolean
  /** Actions counted by the policy for the agent with `ts > since`. */
  rateCount(
    orgId: string,
    policyId: string,
    environment: string,
    agent: string,
    since: number,
  ): number
  /** Counts an action in the policy's window, dropping the agent's entries at or before `pruneBefore`. */
  rateHit(
    orgId: string,
    policyId: string,
    environment: string,
    agent: string,
    ts: number,
    pruneBefore: number,
  ): void
  /** An approved approval not used yet, else a pending one not expired, for exactly this action. */
  findApproval(
    orgId: string,
    key: ApprovalKey,
    now: number,
  ): { id: string; status: 'pending' | 'approved' } | undefined
  createApproval(orgId: string, approval: NewApprovalRow): void
  /** Marks an approved approval used; false when it was used already. */
  useApproval(orgId: string, id: string, now: number): boolean
  createPermit(orgId: string, permit: PermitRow): void
  /** Takes (deletes) the oldest live permit for the action: what it reserved, and when (its check). */
  claimPermit(
    orgId: string,
    key: ActionKey,
    now: number,
  ): { reserved_micros: number; created_at: number } | undefined
  /** Drops the agent's permits (it was paused or killed: what was allowed before does not stand). */
  dropPermits(orgId: string, environment: string, agent: string): void
  insertAlert(orgId: string, alert: NewAlertRow): void
}

/** The same operations for a dialect whose driver is asynchronous. */
export type AsyncControlOps = {
  [K in keyof ControlOps]: (
    ...args: Parameters<ControlOps[K]>
  ) => Promise<ReturnType<ControlOps[K]>>
}

export interface OpStep {
  name: keyof ControlOps
  args: unknown[]
}

/** A decision written once as a generator of operations; `runOps`/`runOpsAsync` drive it. */
export type OpProgram<T> = Generator<OpStep, T, unknown>

/** Yields one operation; the driver sends its result back. */
export function* op<K extends keyof ControlOps>(
  name: K,
  ...args: Parameters<ControlOps[K]>
): Generator<OpStep, ReturnType<ControlOps[K]>, unknown> {
  return (yield { name, args }) as ReturnType<ControlOps[K]>
}

export function runOps<T>(program: OpProgram<T>, ops: ControlOps): T {
  let step = program.next()
  while (!step.done) {
    const fn = ops[step.value.name] as (...args: unknown[]) => unknown
    step = program.next(fn.apply(ops, step.value.args))
  }
  return step.value
}

export async function runOpsAsync<T>(program: OpProgram<T>, ops: AsyncControlOps): Promise<T> {
  let step = program.next()
  while (!step.done) {
    const fn = ops[step.value.name] as (...args: unknown[]) => Promise<unknown>
    step = program.next(await fn.apply(ops, step.value.args))
  }
  return step.value
}
