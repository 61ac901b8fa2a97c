import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { Store } from '../store/store.js'
import { HOUR_MS } from '../store/time-buckets.js'
import { evaluateOrg } from './evaluate-org.js'
import type { EvaluatorMemo } from './evaluate-org.js'
import { newEvaluatorMemo } from './evaluate-org.js'

/** The job name the evaluator leads under (`store.tryLead`): one server of many evaluates. */
export const ALERTS_JOB = 'alerts'

/** How far back an org's activity makes it worth a look: the longest rule window and an hour. */
const WATCH_MS = 25 * HOUR_MS

export interface EvaluationPassOptions {
  store: Pick<Store, 'alerts' | 'events' | 'tryLead'>
  /** The clock. Default `Date.now`. */
  now?: () => number
  /** What passes keep for the next ones (`startEvaluator` keeps one; evaluate-org.ts). */
  memo?: EvaluatorMemo
}

export interface EvaluationPass {
  /** False when another server leads the evaluation. */
  led: boolean
  orgs: number
  series: number
  changes: number
  failedOrgs: number
}

/**
 * One evaluation of every org with recent activity, an open alert or a rule of its own, by the
 * process that leads the `alerts` job (on PostgreSQL one server of many; each change is applied
 * only over the state it was computed from, so even two evaluators raise an alert once). The
 * rollups are brought up to date first. An org that fails is logged and the others go on.
 */
export async function runEvaluation(
  options: EvaluationPassOptions,
  logger?: Logger,
): Promise<EvaluationPass> {
  const pass: EvaluationPass = { led: false, orgs: 0, series: 0, changes: 0, failedOrgs: 0 }
  if (!(await options.store.tryLead(ALERTS_JOB))) return pass
  pass.led = true
  const now = (options.now ?? Date.now)()
  // The embedded store rolls up behind ingest: catch up so the last hour is complete.
  while ((await options.store.events.rollPending(50_000)) >= 50_000);
  for (const orgId of await options.store.alerts.watchedOrgs(now - WATCH_MS)) {
    pass.orgs++
    try {
      const r = await evaluateOrg(options.store.alerts, orgId, now, options.memo)
      pass.series += r.series
      pass.changes += r.changes
    } catch (error) {
      pass.failedOrgs++
      logger?.error('alert evaluation failed', { org_id: orgId, ...errorFields(error) })
    }
  }
  return pass
}

export interface EvaluatorOptions extends EvaluationPassOptions {
  logger: Logger
  /** Time between passes. Default 60 000 ms. */
  intervalMs?: number
}

/** Runs a pass every `intervalMs` (the first after one interval); `stop()` waits for a running pass. */
export function startEvaluator(options: EvaluatorOptions) {
  const intervalMs = options.intervalMs ?? 60_000
  const memo = newEvaluatorMemo()
  let running: Promise<void> | undefined
  const run = () => {
    running ??= runEvaluation({ ...options, memo }, options.logger)
      .then((p) => {
        if (p.changes > 0 || p.failedOrgs > 0)
          options.logger.info('alerts evaluated', {
            orgs: p.orgs,
            series: p.series,
            changes: p.changes,
            failed_orgs: p.failedOrgs,
          })
      })
      .catch((error: unknown) =>
        options.logger.error('alert evaluation pass failed', errorFields(error)),
      )
      .finally(() => (running = undefined))
  }
  const timer = setInterval(run, intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
