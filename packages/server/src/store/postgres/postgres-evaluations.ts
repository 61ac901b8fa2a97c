import type pg from 'pg'
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
  EvaluationStore,
  StatsRow,
} from '../evaluation-store.js'
import { withTransaction } from './postgres-tx.js'

/**
 * Evaluations on PostgreSQL. A creation takes the org row's lock in share mode, which the
 * deletion of events takes exclusively (postgres-erase.ts): a delete then either runs before the
 * creation, which finds no event, or after its commit, and its statement sees the evaluation and
 * removes it with its event. Creations of one org do not wait for each other.
 */
export function createPostgresEvaluations(pool: pg.Pool): EvaluationStore {
  const list = async (orgId: string, filter: EvaluationFilter): Promise<EvaluationRecord[]> => {
    const { where, values } = conditions(orgId, filter, filter.from, filter.to)
    const { rows } = await pool.query<EvaluationRow>(
      `SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE ${where}
       ORDER BY created_at DESC, id DESC LIMIT $${values.length + 1}`,
      [...values, filter.limit],
    )
    return rows.map(evaluationFromRow)
  }

  return {
    create: (orgId, input, now) =>
      withTransaction(pool, async (tx) => {
        await tx.query('SELECT 1 FROM orgs WHERE id = $1 FOR SHARE', [orgId])
        const { rows } = await tx.query<EvaluationRow>(
          `INSERT INTO evaluations (org_id, id, event_id, environment, agent, score, label, feedback, evaluated_by, created_at)
           SELECT org_id, $2, id, environment, agent, $4, $5, $6, $7, $8 FROM events WHERE org_id = $1 AND id = $3
           RETURNING ${EVALUATION_COLUMNS}`,
          [
            orgId,
            uuidv7(now),
            input.eventId,
            input.score,
            input.label,
            input.feedback,
            input.evaluatedBy,
            now,
          ],
        )
        return rows[0] && evaluationFromRow(rows[0])
      }),
    list,
    forEvent: (orgId, eventId, limit = 100) => list(orgId, { eventId, limit }),
    async stats(orgId, query) {
      const { where, values } = conditions(orgId, query, query.from, query.to)
      // One statement, one snapshot: the four groupings of the same rows.
      const day = `(created_at / ${DAY_MS}) * ${DAY_MS}`
      const { rows } = await pool.query<StatsRow>(
        `WITH w AS MATERIALIZED (SELECT agent, label, score, created_at FROM evaluations WHERE ${where})
         SELECT 'total' AS grp, NULL::text AS k, count(*) AS n, avg(score) AS avg FROM w
         UNION ALL SELECT 'agent', agent, count(*), avg(score) FROM w GROUP BY agent
         UNION ALL SELECT 'label', label, count(*), avg(score) FROM w WHERE label IS NOT NULL GROUP BY label
         UNION ALL SELECT 'day', (${day})::text, count(*), avg(score) FROM w GROUP BY ${day}`,
        values,
      )
      return assembleEvaluationStats(rows)
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
  const parts = ['org_id = $1']
  const values: unknown[] = [orgId]
  const add = (sql: (n: string) => string, value: unknown) => {
    values.push(value)
    parts.push(sql(`$${values.length}`))
  }
  for (const [column, value] of evaluationEqualities(filter)) add((n) => `${column} = ${n}`, value)
  if (from !== undefined) add((n) => `created_at >= ${n}`, Math.trunc(from))
  if (to !== undefined) add((n) => `created_at < ${n}`, Math.trunc(to))
  return { where: parts.join(' AND '), values }
}
