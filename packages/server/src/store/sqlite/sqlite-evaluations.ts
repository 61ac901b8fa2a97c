import type Database from 'better-sqlite3'
import { uuidv7 } from '@agenttrail/protocol'
import {
  EVALUATION_COLUMNS,
  assembleEvaluationStats,
  evaluationEqualities,
  evaluationFromRow,
} from '../evaluation-store.js'
import { DAY_MS } from '../time-buckets.js'
import type {
  EvaluationFilter,
  EvaluationRecord,
  EvaluationRow,
  EvaluationStats,
  EvaluationStatsQuery,
  NewEvaluation,
  StatsRow,
} from '../evaluation-store.js'

/**
 * Creating an evaluation on the embedded store (a write op, run by the writer; see sqlite-writes.ts).
 * One statement reads the event's agent and environment and inserts the row, so the writer, which
 * also runs deletes, sees either the event with its new evaluation or neither.
 */
export function createSqliteEvaluationWrites(db: Database.Database) {
  const insert = db.prepare<Record<string, unknown>, EvaluationRow>(
    `INSERT INTO evaluations (org_id, id, event_id, environment, agent, score, label, feedback, evaluated_by, created_at)
     SELECT org_id, @id, id, environment, agent, @score, @label, @feedback, @by, @now FROM events
     WHERE org_id = @org AND id = @event
     RETURNING ${EVALUATION_COLUMNS}`,
  )
  return {
    createEvaluation: (
      orgId: string,
      input: NewEvaluation,
      now: number,
    ): EvaluationRecord | undefined => {
      const row = insert.get({
        org: orgId,
        id: uuidv7(now),
        event: input.eventId,
        score: input.score,
        label: input.label,
        feedback: input.feedback,
        by: input.evaluatedBy,
        now,
      })
      return row && evaluationFromRow(row)
    },
  }
}

/** The evaluation reads of the embedded store, on the main connection. */
export function createSqliteEvaluationReads(db: Database.Database) {
  // One statement per combination of filters present (a few dozen at most), so each can use the
  // index of its filter rather than one plan for all.
  const statements = new Map<string, Database.Statement<unknown[], unknown>>()
  const prepared = <R>(sql: string) => {
    let statement = statements.get(sql)
    if (!statement) statements.set(sql, (statement = db.prepare<unknown[], unknown>(sql)))
    return statement as Database.Statement<unknown[], R>
  }

  const list = (orgId: string, filter: EvaluationFilter): EvaluationRecord[] => {
    const { where, values } = conditions(orgId, filter, filter.from, filter.to)
    const sql = `SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE ${where}
      ORDER BY created_at DESC, id DESC LIMIT ?`
    return prepared<EvaluationRow>(sql)
      .all(...values, filter.limit)
      .map(evaluationFromRow)
  }

  return {
    list: async (orgId: string, filter: EvaluationFilter) => list(orgId, filter),
    forEvent: async (orgId: string, eventId: string, limit = 100) =>
      list(orgId, { eventId, limit }),
    stats: async (orgId: string, query: EvaluationStatsQuery): Promise<EvaluationStats> => {
      const { where, values } = conditions(orgId, query, query.from, query.to)
      // One statement, one snapshot: the four groupings of the same rows.
      const sql = `WITH w AS MATERIALIZED (SELECT agent, label, score, created_at FROM evaluations WHERE ${where})
        SELECT 'total' AS grp, NULL AS k, count(*) AS n, avg(score) AS avg FROM w
        UNION ALL SELECT 'agent', agent, count(*), avg(score) FROM w GROUP BY agent
        UNION ALL SELECT 'label', label, count(*), avg(score) FROM w WHERE label IS NOT NULL GROUP BY label
        UNION ALL SELECT 'day', CAST(created_at / ${DAY_MS} * ${DAY_MS} AS TEXT), count(*), avg(score)
          FROM w GROUP BY created_at / ${DAY_MS}`
      return assembleEvaluationStats(prepared<StatsRow>(sql).all(...values))
    },
  }
}

/** The WHERE clause of the org's rows matching the filters present, with its values in order. */
function conditions(
  orgId: string,
  filter: Parameters<typeof evaluationEqualities>[0],
  from: number | undefined,
  to: number | undefined,
): { where: string; values: unknown[] } {
  const parts = ['org_id = ?']
  const values: unknown[] = [orgId]
  for (const [column, value] of evaluationEqualities(filter)) {
    parts.push(`${column} = ?`)
    values.push(value)
  }
  if (from !== undefined) {
    parts.push('created_at >= ?')
    values.push(Math.trunc(from))
  }
  if (to !== undefined) {
    parts.push('created_at < ?')
    values.push(Math.trunc(to))
  }
  return { where: parts.join(' AND '), values }
}
