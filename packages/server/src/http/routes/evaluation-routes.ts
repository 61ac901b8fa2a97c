import { z } from 'zod'
import { AppError } from '../../app-error.js'
import { DAY_MS } from '../../store/time-buckets.js'
import type { AppDeps } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { recordControlChange } from './control-audit.js'
import {
  EvaluationListQuery,
  EvaluationSchema,
  EvaluationStatsQuery,
  EvaluationStatsSchema,
  NewEvaluationSchema,
  evaluationView,
} from './evaluation-schemas.js'

/**
 * AgentLedger's message for an unknown event, also for another org's: the two cannot be told apart,
 * so the answer never says whether an id exists elsewhere.
 */
const UNKNOWN_EVENT = 'action_id not found or does not belong to your organization'

/** Rounds a mean score to one decimal; null stays null. */
const oneDecimal = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10)

/**
 * Evaluations (docs/evaluations.md): `POST /api/v1/evaluations` scores an event of the key's org,
 * `GET /api/v1/evaluations` lists them, `GET /api/v1/evaluations/stats` aggregates them in the
 * shape AgentLedger documents. Writing takes `ingest` (agents and reviewers score with the key they
 * record with), reading takes `read`.
 */
export function evaluationRoutes(router: Router, deps: Pick<AppDeps, 'store' | 'committer'>): void {
  const { store, committer } = deps

  router.add(
    {
      method: 'post',
      path: '/api/v1/evaluations',
      tag: 'evaluations',
      scope: 'ingest',
      summary: 'Score an event (0 to 100), with an optional label and feedback',
      description:
        'Recorded in the trail as an `audit` event `evaluation.created` (event id, score and label; not the feedback).',
      body: NewEvaluationSchema,
      bodyBytes: 16 * 1024,
      responses: {
        201: { description: 'The evaluation', schema: EvaluationSchema },
        404: {
          description: `\`${UNKNOWN_EVENT}\`: no such event in your org`,
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { body, key }) => {
      const eventId = (body.action_id ?? body.event_id) as string
      const made = await store.evaluations.create(
        key.org_id,
        {
          eventId,
          score: body.score,
          // An empty text says nothing: stored as none, so it is not a label of its own.
          label: body.label || null,
          feedback: body.feedback || null,
          evaluatedBy: body.evaluated_by || null,
        },
        Date.now(),
      )
      if (!made) throw new AppError('not_found', UNKNOWN_EVENT)
      await recordControlChange(c, committer, {
        action: 'evaluation.created',
        title: `Scored an event ${made.score}/100`,
        environment: made.environment,
        metadata: {
          id: made.id,
          event_id: made.event_id,
          agent: made.agent,
          score: made.score,
          label: made.label,
        },
      })
      return c.json(evaluationView(made), 201)
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/evaluations',
      tag: 'evaluations',
      scope: 'read',
      summary: 'Evaluations, newest first',
      query: EvaluationListQuery,
      responses: {
        200: {
          description: 'The evaluations',
          schema: z.object({ evaluations: z.array(EvaluationSchema) }),
        },
      },
    },
    async (c, { query, key }) => {
      if (query.from !== undefined && query.to !== undefined && query.from >= query.to)
        throw new AppError('invalid_query', 'from must be earlier than to')
      const evaluations = await store.evaluations.list(key.org_id, {
        eventId: query.action_id ?? query.event_id,
        agent: query.agent,
        label: query.label,
        environment: query.environment,
        from: query.from,
        to: query.to,
        limit: query.limit,
      })
      return c.json({ evaluations: evaluations.map(evaluationView) })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/evaluations/stats',
      tag: 'evaluations',
      scope: 'read',
      summary:
        'Mean score, by agent, by label and by day (default: the last 30 days); filters by agent, label and environment',
      query: EvaluationStatsQuery,
      responses: {
        200: { description: 'The statistics', schema: EvaluationStatsSchema },
      },
    },
    async (c, { query, key }) => {
      // Up to now, inclusive: an evaluation made in this millisecond counts.
      const to = query.to ?? Date.now() + 1
      const from = query.from ?? to - (query.days ?? 30) * DAY_MS
      if (from >= to) throw new AppError('invalid_query', 'from must be earlier than to')
      const stats = await store.evaluations.stats(key.org_id, {
        from,
        to,
        environment: query.environment,
        agent: query.agent,
        label: query.label,
      })
      return c.json({
        avgScore: oneDecimal(stats.total.avg),
        totalEvaluations: stats.total.count,
        byAgent: Object.fromEntries(
          stats.byAgent.flatMap((g) => (g.agent === null ? [] : [[g.agent, oneDecimal(g.avg)]])),
        ),
        byLabel: Object.fromEntries(stats.byLabel.map((g) => [g.label, g.count])),
        trend: stats.byDay.map((g) => ({
          date: new Date(g.day).toISOString().slice(0, 10),
          avgScore: oneDecimal(g.avg),
          count: g.count,
        })),
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
      })
    },
  )
}
