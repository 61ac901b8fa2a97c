import type { Event } from '@agenttrail/protocol'
import { evaluateOrg, newEvaluatorMemo } from '../../packages/server/src/alerts/evaluate-org.js'
import { runEvaluation } from '../../packages/server/src/alerts/evaluator.js'
import type { AlertRecord } from '../../packages/server/src/control/control-types.js'
import type { Store } from '../../packages/server/src/store/store.js'
import type { AgentProfile, HourOverride } from '../helpers/synthetic-traffic.js'
import { businessRate, syntheticHour } from '../helpers/synthetic-traffic.js'

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
export const WEEK_MS = 7 * DAY_MS
/** A Monday, 00:00 UTC: the first day of the synthetic history. */
export const START = Date.UTC(2026, 9, 5)

export const ORG = 'org_proof'

/**
 * The agents of the proof: a busy one with a business rhythm and 1 % failures, and a quiet one
 * (two actions an hour in weekday hours, a few at night) with 5 % failures.
 */
export const PROFILES: AgentProfile[] = [
  { agent: 'busy', rate: (t) => businessRate(t) },
  {
    agent: 'quiet',
    rate: (t) => businessRate(t, 1 / 30),
    errorRate: 0.05,
  },
]

/** Hour start → agent → what that hour does differently. */
export type Injections = Map<number, Map<string, HourOverride>>

/** One agent's override of an hour, as an entry of `Injections`. */
export const only = (agent: string, o: HourOverride): Map<string, HourOverride> =>
  new Map([[agent, o]])

/** Appends the synthetic history of [from, to) in day-sized batches, without evaluating. */
export async function loadHistory(store: Store, from: number, to: number, seed: number) {
  for (let day = from; day < to; day += DAY_MS) {
    const items = []
    for (let h = day; h < Math.min(day + DAY_MS, to); h += HOUR_MS)
      items.push(...syntheticHour(ORG, h, PROFILES, seed))
    if (items.length > 0) await store.events.append(items)
  }
}

/**
 * Lives through [from, to) hour by hour: appends the hour's traffic (with its injections), then
 * runs the real evaluator three minutes after the hour closed, as the server's job would. Each
 * store in `evaluators` runs a pass at that moment, side by side; with `leaderless`, each
 * evaluates the org without asking for the leadership, so that their changes race.
 */
export async function liveThrough(
  store: Store,
  evaluators: Store[],
  from: number,
  to: number,
  seed: number,
  injections: Injections = new Map(),
  leaderless = false,
) {
  // Each evaluator keeps what a server keeps between its passes.
  const memos = evaluators.map(() => newEvaluatorMemo())
  for (let h = from; h < to; h += HOUR_MS) {
    const items = syntheticHour(ORG, h, PROFILES, seed, injections.get(h))
    if (items.length > 0) await store.events.append(items)
    const now = h + HOUR_MS + 3 * 60_000
    await Promise.all(
      evaluators.map((s, i) =>
        leaderless
          ? evaluateOrg(s.alerts, ORG, now, memos[i])
          : runEvaluation({ store: s, now: () => now, memo: memos[i] }),
      ),
    )
  }
}

export async function alertsOf(store: Store): Promise<AlertRecord[]> {
  return store.control.listAlerts(ORG, { all: true, limit: 200 })
}

/** The trail's records of alert transitions, oldest first. */
export async function transitionsOf(store: Store): Promise<Event[]> {
  const out: Event[] = []
  let cursor: { ts: number; id: string } | undefined
  for (;;) {
    const page = await store.events.query(
      ORG,
      { kind: 'audit' },
      { limit: 500, ...(cursor && { after: cursor }) },
    )
    out.push(...page.items.filter((e) => e.action?.startsWith('alert.')))
    if (!page.next) break
    cursor = page.next
  }
  return out.reverse()
}
