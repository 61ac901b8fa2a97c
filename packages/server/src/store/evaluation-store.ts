/**
 * Scores given to recorded events (0 to 100, with an optional label and feedback): how well an
 * agent did, as judged by a person or another agent (docs/evaluations.md). An evaluation belongs
 * to one event of the org; the event's agent and environment are copied onto it when it is made,
 * so that filters and statistics never join the events. It goes when its event goes
 * (`EventStore.erase`: retention, erasure), in the same transaction.
 */
export interface EvaluationStore {
  /**
   * Records an evaluation of the org's event `input.eventId` at `now` (Unix ms, also its id's time).
   * The event is looked up in the same transaction; undefined when the org has no such event (which
   * says nothing about other orgs). `score` must already be a whole number 0..100.
   */
  create(orgId: string, input: NewEvaluation, now: number): Promise<EvaluationRecord | undefined>
  /** Newest first (`created_at`, then `id`), at most `filter.limit`. */
  list(orgId: string, filter: EvaluationFilter): Promise<EvaluationRecord[]>
  /** Counts and average scores over `from <= created_at < to`, aggregated in the database. */
  stats(orgId: string, query: EvaluationStatsQuery): Promise<EvaluationStats>
  /** The event's evaluations, newest first, at most `limit` (default 100). */
  forEvent(orgId: string, eventId: string, limit?: number): Promise<EvaluationRecord[]>
}

export interface NewEvaluation {
  eventId: string
  /** A whole number from 0 to 100. */
  score: number
  label: string | null
  feedback: string | null
  evaluatedBy: string | null
}

export interface EvaluationRecord {
  /** UUIDv7. */
  id: string
  event_id: string
  /** The event's, when the evaluation was made. */
  environment: string
  /** The event's agent (null for an event without one). */
  agent: string | null
  score: number
  label: string | null
  feedback: string | null
  evaluated_by: string | null
  /** ISO 8601, UTC. */
  created_at: string
}

export interface EvaluationFilter {
  eventId?: string
  agent?: string
  label?: string
  environment?: string
  /** Inclusive lower bound on `created_at`, Unix ms. */
  from?: number
  /** Exclusive upper bound on `created_at`, Unix ms. */
  to?: number
  limit: number
}

export interface EvaluationStatsQuery {
  /** Inclusive, Unix ms. */
  from: number
  /** Exclusive, Unix ms. */
  to: number
  environment?: string
  agent?: string
  /** Only evaluations with this label. */
  label?: string
}

/** One group of evaluations: how many, and their mean score (exact, unrounded). */
export interface ScoreGroup {
  count: number
  /** Null when the group is empty. */
  avg: number | null
}

export interface EvaluationStats {
  total: ScoreGroup
  /** By agent name (null: events without an agent), most evaluations first, then by name. */
  byAgent: Array<ScoreGroup & { agent: string | null }>
  /** By label, labelled evaluations only, most first, then by label. */
  byLabel: Array<ScoreGroup & { label: string }>
  /** By UTC day (`day`: its midnight, Unix ms), days with evaluations only, oldest first. */
  byDay: Array<ScoreGroup & { day: number }>
}

/** A stored row as both dialects read it (PostgreSQL's bigint arrives as text). */
export interface EvaluationRow {
  id: string
  event_id: string
  environment: string
  agent: string | null
  score: number
  label: string | null
  feedback: string | null
  evaluated_by: string | null
  created_at: number | string
}

/** The columns a read selects, in the order of `EvaluationRow`. */
export const EVALUATION_COLUMNS =
  'id, event_id, environment, agent, score, label, feedback, evaluated_by, created_at'

export function evaluationFromRow(row: EvaluationRow): EvaluationRecord {
  return {
    id: row.id,
    event_id: row.event_id,
    environment: row.environment,
    agent: row.agent,
    score: Number(row.score),
    label: row.label,
    feedback: row.feedback,
    evaluated_by: row.evaluated_by,
    created_at: new Date(Number(row.created_at)).toISOString(),
  }
}

/**
 * The equality filters a list has, as column and value, so each dialect writes only the conditions
 * present (and its planner can use the index of the one that is).
 */
export function evaluationEqualities(
  filter: Pick<EvaluationFilter, 'eventId' | 'agent' | 'label' | 'environment'>,
): Array<[string, string]> {
  const pairs: Array<[string, string | undefined]> = [
    ['event_id', filter.eventId],
    ['agent', filter.agent],
    ['label', filter.label],
    ['environment', filter.environment],
  ]
  return pairs.filter((pair): pair is [string, string] => pair[1] !== undefined)
}

/**
 * One row of the statistics query: `grp` is `total`, `agent`, `label` or `day`; `k` the agent, the
 * label, or the day's midnight (Unix ms) as text; `n` the count; `avg` the mean score. Both
 * dialects answer the four groupings in one statement, as these rows.
 */
export interface StatsRow {
  grp: 'total' | 'agent' | 'label' | 'day'
  k: string | null
  n: number | string
  avg: number | string | null
}

/** Puts the statistics query's rows together, in the order `EvaluationStats` promises. */
export function assembleEvaluationStats(rows: readonly StatsRow[]): EvaluationStats {
  const group = (row: StatsRow): ScoreGroup => ({
    count: Number(row.n),
    avg: row.avg === null || Number(row.n) === 0 ? null : Number(row.avg),
  })
  const total = rows.find((r) => r.grp === 'total')
  return {
    total: total ? group(total) : { count: 0, avg: null },
    byAgent: rows
      .filter((r) => r.grp === 'agent')
      .map((r) => ({ agent: r.k, ...group(r) }))
      .sort((a, b) => b.count - a.count || nullsLast(a.agent, b.agent)),
    byLabel: rows
      .filter((r): r is StatsRow & { k: string } => r.grp === 'label' && r.k !== null)
      .map((r) => ({ label: r.k, ...group(r) }))
      .sort((a, b) => b.count - a.count || nullsLast(a.label, b.label)),
    byDay: rows
      .filter((r) => r.grp === 'day')
      .map((r) => ({ day: Number(r.k), ...group(r) }))
      .sort((a, b) => a.day - b.day),
  }
}

/** Orders names by code unit (as both databases' binary collations would), null last. */
function nullsLast(a: string | null, b: string | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  return a < b ? -1 : 1
}
