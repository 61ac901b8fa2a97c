import type { ControlNote, NewEvent } from '@agenttrail/protocol'
import type { OpProgram } from './control-ops.js'
import type { CheckInput, Decision } from './control-types.js'
import type { OrgControls } from './org-controls.js'

/** A record the decision adds to the trail in its own transaction. */
export interface ControlRecord {
  event: NewEvent
  /** The server's own record (budget thresholds): not counted as plan usage. */
  system: boolean
}

export interface CheckOutcome {
  decision: Decision
  records: ControlRecord[]
}

export interface EnforceOutcome {
  note: ControlNote | null
  records: ControlRecord[]
}

/**
 * The port through which a store runs the control plane's decisions inside its own transactions.
 * The decisions are programs of operations (`OpProgram`, control-ops.ts) that the store drives over
 * its `ControlOps`; the store does not know the rules. The composition root (server.ts) passes
 * `engine.ts`'s `enforcement` to the store's options, so the store never imports the engine.
 */
export interface Enforcement {
  /**
   * URL of an ES module that exports this object as `enforcement`. Functions cannot cross a
   * thread's `postMessage`, so the embedded store's writer thread loads the program from here.
   */
  readonly module: string
  /**
   * True when the rules judge this event at all (an agent's action that was not refused already).
   * The append runs `event` only for these, and answers a duplicate id before judging.
   */
  judges(event: NewEvent): boolean
  /** Judges an action reported after it happened, inside the append that records it. */
  event(orgId: string, event: NewEvent, now: number, version?: number): OpProgram<EnforceOutcome>
  /** Decides an action before it happens, inside the check's transaction. */
  check(orgId: string, input: CheckInput, now: number, version?: number): OpProgram<CheckOutcome>
  /**
   * The answer a check gets without a transaction, from the org's committed controls, or undefined
   * when the check needs one.
   */
  free(controls: OrgControls, agentKnown: boolean): Decision | undefined
}
