import type { ActionLog } from '@agenttrail/protocol'

export interface TraceSummary {
  /** Sum of the actions' durations, ms. */
  totalDuration: number
  /** From the first start to the last end, ms. */
  wallDuration: number
  /** Cents. */
  totalCost: number
  actionCount: number
  firstAction: string | null
  lastAction: string | null
  services: string[]
  hasErrors: boolean
  /** Indices (into `actions`) of actions that ran at the same time: each group is a chain of overlaps. */
  parallelGroups: number[][]
  parallelGroupCount: number
}

/**
 * Lays a trace out by real start and end times: an action starts at `created_at` and ends
 * `duration_ms` later. Actions whose intervals overlap (directly or through others) form a
 * parallel group; an action alone is not a group.
 */
export function summarizeTrace(actions: readonly ActionLog[]): {
  actions: Array<ActionLog & { offsetMs: number }>
  summary: TraceSummary
} {
  const spans = actions
    .map((a) => ({
      a,
      start: Date.parse(a.created_at),
      end: Date.parse(a.created_at) + a.duration_ms,
    }))
    .sort((x, y) => x.start - y.start || x.end - y.end)
  const first = spans[0]?.start ?? 0
  const groups: number[][] = []
  let current: number[] = []
  let reach = Number.NEGATIVE_INFINITY
  spans.forEach((s, i) => {
    if (s.start < reach) current.push(i)
    else {
      if (current.length > 1) groups.push(current)
      current = [i]
    }
    reach = Math.max(reach, s.end)
  })
  if (current.length > 1) groups.push(current)
  const services = [
    ...new Set(spans.map((s) => s.a.service).filter((v): v is string => v !== null)),
  ]
  return {
    actions: spans.map((s) => ({ ...s.a, offsetMs: s.start - first })),
    summary: {
      totalDuration: spans.reduce((n, s) => n + s.a.duration_ms, 0),
      wallDuration: spans.length === 0 ? 0 : Math.max(...spans.map((s) => s.end)) - first,
      totalCost: Number(spans.reduce((n, s) => n + s.a.estimated_cost_cents, 0).toFixed(4)),
      actionCount: spans.length,
      firstAction: spans[0]?.a.created_at ?? null,
      lastAction: spans.at(-1)?.a.created_at ?? null,
      services,
      hasErrors: spans.some((s) => s.a.status === 'error'),
      parallelGroups: groups,
      parallelGroupCount: groups.length,
    },
  }
}
