/** One action of `GET /api/v1/traces/{traceId}` (AgentLedger's row, with its start offset). */
export interface TraceAction {
  id: string
  agent_name: string | null
  service: string | null
  action: string | null
  status: string
  estimated_cost_cents: number
  duration_ms: number
  environment: string
  created_at: string
  offsetMs: number
}

/** `GET /api/v1/traces/{traceId}`. */
export interface TraceAnswer {
  traceId: string
  actions: TraceAction[]
  truncated: boolean
  summary: {
    totalDuration: number
    wallDuration: number
    totalCost: number
    actionCount: number
    services: string[]
    hasErrors: boolean
    parallelGroups: number[][]
    parallelGroupCount: number
  }
}

/** What the native event adds to an action: its span, parent span, kind and title. */
export interface SpanInfo {
  span_id: string | null
  parent_span_id: string | null
  kind: string
  title: string | null
}

/** One bar of the waterfall, on its own row. */
export interface WaterfallRow {
  action: TraceAction
  span: SpanInfo | undefined
  depth: number
  startMs: number
  durationMs: number
  /** 1-based number of the group of sibling actions that ran at the same time, if any. */
  parallelGroup: number | null
}

/**
 * Groups of siblings whose run times overlap, directly or through each other (a chain of
 * overlaps), as ids; an action alone is no group. Siblings are given sorted by start.
 */
function overlapGroups(sorted: readonly TraceAction[]): string[][] {
  const groups: string[][] = []
  let current: string[] = []
  let reach = Number.NEGATIVE_INFINITY
  for (const a of sorted) {
    if (a.offsetMs < reach) current.push(a.id)
    else {
      if (current.length > 1) groups.push(current)
      current = [a.id]
    }
    reach = Math.max(reach, a.offsetMs + a.duration_ms)
  }
  if (current.length > 1) groups.push(current)
  return groups
}

/**
 * Lays a trace out as a waterfall: one row per action, children under their parent span (when the
 * events carry span ids) and siblings by start time, so actions that overlap in time are separate
 * rows whose bars overlap on the time axis. Offsets are from the trace's first start.
 *
 * Parallel groups are found among siblings: a parent always overlaps its children, which is
 * nesting, not parallelism. Without span ids every action is a sibling, as in the API's summary.
 */
export function layoutWaterfall(
  trace: TraceAnswer,
  spans: ReadonlyMap<string, SpanInfo>,
): { rows: WaterfallRow[]; totalMs: number; parallelGroups: number } {
  const bySpan = new Map<string, TraceAction>()
  for (const a of trace.actions) {
    const span = spans.get(a.id)?.span_id
    if (span && !bySpan.has(span)) bySpan.set(span, a)
  }
  const children = new Map<string, TraceAction[]>()
  const roots: TraceAction[] = []
  for (const a of trace.actions) {
    const parentSpan = spans.get(a.id)?.parent_span_id
    const parent = parentSpan ? bySpan.get(parentSpan) : undefined
    if (parent && parent.id !== a.id) {
      const list = children.get(parent.id) ?? []
      list.push(a)
      children.set(parent.id, list)
    } else roots.push(a)
  }
  const byStart = (x: TraceAction, y: TraceAction) =>
    x.offsetMs - y.offsetMs || y.duration_ms - x.duration_ms
  const group = new Map<string, number>()
  let groups = 0
  const markParallel = (siblings: readonly TraceAction[]) => {
    for (const g of overlapGroups(siblings)) {
      groups += 1
      for (const id of g) group.set(id, groups)
    }
  }
  const rows: WaterfallRow[] = []
  const placed = new Set<string>()
  const visit = (a: TraceAction, depth: number) => {
    if (placed.has(a.id)) return
    placed.add(a.id)
    rows.push({
      action: a,
      span: spans.get(a.id),
      depth,
      startMs: a.offsetMs,
      durationMs: a.duration_ms,
      parallelGroup: group.get(a.id) ?? null,
    })
    const kids = [...(children.get(a.id) ?? [])].sort(byStart)
    markParallel(kids)
    for (const c of kids) visit(c, depth + 1)
  }
  const sortedRoots = [...roots].sort(byStart)
  markParallel(sortedRoots)
  for (const r of sortedRoots) visit(r, 0)
  // Spans whose parents form a cycle have no root: they still get a row each.
  for (const a of [...trace.actions].sort(byStart)) visit(a, 0)
  const totalMs = Math.max(1, ...rows.map((r) => r.startMs + r.durationMs))
  return { rows, totalMs, parallelGroups: groups }
}

/** Tick positions for a time axis of `totalMs`: about five, at 1, 2 or 5 times a power of ten. */
export function axisTicks(totalMs: number, target = 5): number[] {
  const raw = totalMs / target
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw
  const ticks: number[] = []
  // Multiplied, not summed, so 0.1 steps do not drift (0.30000000000000004).
  for (let i = 0; i * step <= totalMs + 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)))
  return ticks
}
