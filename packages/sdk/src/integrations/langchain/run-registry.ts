/** One LangChain run between its start and end callbacks. */
export interface RunState {
  startedAt: number
  t0: number
  /** The outermost run this one belongs to, seen by this handler: the trace. */
  traceId: string
  parentRunId?: string
  /** What the start callback knew; merged into the event at the end. */
  start: Record<string, unknown>
}

/**
 * Runs in flight, by LangChain run id. A run whose end never comes (an aborted stream) must not
 * grow the map forever, so the oldest runs are forgotten beyond `maxRuns`.
 */
export class RunRegistry {
  private readonly runs = new Map<string, RunState>()

  constructor(private readonly maxRuns = 10_000) {}

  /**
   * Starts a run. Its trace is its parent's; a parent this handler never saw (it was attached to an
   * inner component only) still groups its children, so the parent's id is the trace then.
   */
  begin(runId: string, parentRunId: string | undefined, start: Record<string, unknown>): RunState {
    const parent = parentRunId ? this.runs.get(parentRunId) : undefined
    const state: RunState = {
      startedAt: Date.now(),
      t0: performance.now(),
      traceId: parent?.traceId ?? parentRunId ?? runId,
      start,
    }
    if (parentRunId) state.parentRunId = parentRunId
    if (this.runs.size >= this.maxRuns) {
      const oldest = this.runs.keys().next()
      if (!oldest.done) this.runs.delete(oldest.value)
    }
    this.runs.set(runId, state)
    return state
  }

  /** Ends a run; a run that never started here (or was forgotten) ends with what the end knows. */
  end(
    runId: string,
    parentRunId: string | undefined,
  ): { state: RunState; durationMs: number | undefined } {
    const state = this.runs.get(runId)
    this.runs.delete(runId)
    if (state) return { state, durationMs: Math.round(performance.now() - state.t0) }
    const parent = parentRunId ? this.runs.get(parentRunId) : undefined
    const orphan: RunState = {
      startedAt: Date.now(),
      t0: performance.now(),
      traceId: parent?.traceId ?? parentRunId ?? runId,
      start: {},
    }
    if (parentRunId) orphan.parentRunId = parentRunId
    return { state: orphan, durationMs: undefined }
  }

  get size(): number {
    return this.runs.size
  }
}
