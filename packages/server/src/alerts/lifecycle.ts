import type { AlertTransition, SeriesState, Severity } from '../store/alert-model.js'
import type { Verdict } from './detect.js'

/** Quiet windows in a row that resolve a firing alert. */
export const QUIET_TO_RESOLVE = 2

export interface Look {
  /** The window the verdict is about, Unix ms; `to` orders the looks of a series. */
  from: number
  to: number
  /**
   * A whole window, which counts towards firing and resolving. A look at a window still running
   * (the current hour) counts only when it is extreme: it can fire at once, never resolve.
   */
  closed: boolean
}

/** A series moved on: its state after (`null`: ok again) and the step of its alert's life. */
export interface Step {
  next: SeriesState | null
  transition: AlertTransition
  /** The alert's row is created (`create`) or changed (`update`); a pending series has none yet. */
  alert: 'create' | 'update' | 'none'
  /** The step is announced (`alert.created` on firing and escalation, `alert.resolved`). */
  announce: 'alert.created' | 'alert.resolved' | null
}

const rank = (s: Severity) => (s === 'critical' ? 2 : 1)
const max = (a: Severity, b: Severity): Severity => (rank(a) >= rank(b) ? a : b)

/**
 * One series' state machine: ok → pending → firing → recovering → ok, as Grafana and ALERTS.md §4
 * describe it. A breach pends; a second breach in a row fires (an extreme one fires at once); two
 * quiet windows in a row resolve; a breach while recovering fires again under the same alert; a
 * higher severity while firing escalates. Undefined when nothing changes. Pure.
 */
export function step(
  current: Omit<SeriesState, 'rule_id' | 'series'> | undefined,
  verdict: Verdict,
  look: Look,
  ids: { rule_id: string; series: string; newAlertId: () => string; scope: ScopeOf },
  now: number,
): Step | undefined {
  if (current !== undefined && look.to <= current.last_window) return undefined
  const breach = verdict.level !== 'none'
  if (!look.closed && !verdict.extreme) return undefined
  const severity: Severity = verdict.level === 'none' ? 'warning' : verdict.level
  const transition = (state: AlertTransition['state'], sev: Severity): AlertTransition => ({
    state,
    at: new Date(now).toISOString(),
    severity: sev,
    value: verdict.value,
    window: { from: new Date(look.from).toISOString(), to: new Date(look.to).toISOString() },
  })
  const base = {
    rule_id: ids.rule_id,
    series: ids.series,
    ...ids.scope,
    last_window: look.to,
  }

  if (current === undefined) {
    if (!breach) return undefined
    const fires = verdict.extreme
    const t = transition(fires ? 'firing' : 'pending', severity)
    return {
      next: {
        ...base,
        state: fires ? 'firing' : 'pending',
        severity,
        quiet: 0,
        alert_id: ids.newAlertId(),
        since: now,
        step: 1,
        history: [t],
        alert: null,
      },
      transition: t,
      alert: fires ? 'create' : 'none',
      announce: fires ? 'alert.created' : null,
    }
  }

  const next = (
    state: SeriesState['state'],
    sev: Severity,
    t: AlertTransition,
    quiet = 0,
  ): SeriesState => ({
    ...current,
    ...base,
    state,
    severity: sev,
    quiet,
    step: current.step + 1,
    history: [...current.history, t],
  })

  switch (current.state) {
    case 'pending': {
      if (!breach)
        return {
          next: null,
          transition: transition('cleared', current.severity),
          alert: 'none',
          announce: null,
        }
      const sev = max(current.severity, severity)
      const t = transition('firing', sev)
      return {
        next: next('firing', sev, t),
        transition: t,
        alert: 'create',
        announce: 'alert.created',
      }
    }
    case 'firing': {
      if (breach) {
        if (rank(severity) <= rank(current.severity)) return undefined
        const t = transition('escalated', severity)
        return {
          next: next('firing', severity, t),
          transition: t,
          alert: 'update',
          announce: 'alert.created',
        }
      }
      const t = transition('recovering', current.severity)
      return {
        next: next('recovering', current.severity, t, 1),
        transition: t,
        alert: 'update',
        announce: null,
      }
    }
    case 'recovering': {
      if (breach) {
        const sev = max(current.severity, severity)
        const escalated = rank(sev) > rank(current.severity)
        const t = transition('refiring', sev)
        return {
          next: next('firing', sev, t),
          transition: t,
          alert: 'update',
          announce: escalated ? 'alert.created' : null,
        }
      }
      if (current.quiet + 1 < QUIET_TO_RESOLVE) {
        const t = transition('recovering', current.severity)
        return {
          next: next('recovering', current.severity, t, current.quiet + 1),
          transition: t,
          alert: 'update',
          announce: null,
        }
      }
      const t = transition('resolved', current.severity)
      return { next: null, transition: t, alert: 'update', announce: 'alert.resolved' }
    }
  }
}

/** The environment, agent and service a series is about (null where the rule does not split). */
export interface ScopeOf {
  environment: string | null
  agent: string | null
  service: string | null
}
