import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import { baselinesAt } from '../../alerts/baselines.js'
import type { AppDeps } from '../app-env.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'

const name = () => z.string().min(1, 'must not be empty').max(LIMITS.shortString).optional()
const Query = z.object({
  agent: name().describe('One agent: its baseline as one object (AgentLedger’s documented shape).'),
  environment: name().describe(
    'Only this environment. With `agent` and without it: the environment the agent was last active in.',
  ),
})

const MetricSchema = z.object({
  mean: z.number().describe('Mean of the sample hours (the documented figure).'),
  stddev: z
    .number()
    .describe('Sample standard deviation of the sample hours (the documented figure).'),
  median: z.number().describe('The centre the detector compares with.'),
  mad: z.number().describe('Median absolute deviation of the sample hours.'),
  scale: z
    .number()
    .describe(
      'The spread a score divides by, after the noise floors (log units for cost and duration).',
    ),
  samples: z.number().describe('Sample hours the figures come from.'),
})

const BaselineSchema = z
  .object({
    agent: z.string(),
    environment: z.string(),
    status: z
      .enum(['learning', 'ready'])
      .describe(
        '`learning` until 50 actions on 3 distinct UTC days in the last four weeks; no anomaly alert before.',
      ),
    method: z
      .enum(['hour_of_week', 'hour_of_day'])
      .nullable()
      .describe(
        '`hour_of_week`: the same hour of the week over four weeks (3+ weeks of history); `hour_of_day`: the same hour over 7 days.',
      ),
    hour: z.string().describe('The UTC hour the figures are for (the hour running now).'),
    history: z.object({ first_seen: z.string(), actions: z.number(), days: z.number() }),
    metrics: z
      .record(z.string(), MetricSchema)
      .describe(
        '`actions_per_hour`, `error_rate`, `cost_per_action` (USD), `duration` and `duration_per_action` (ms), `denied_rate`; a metric with fewer than 3 sample hours is left out.',
      ),
  })
  .meta({ id: 'AgentBaseline' })

/** `GET /api/v1/baselines`: the baselines the anomaly detectors use, per environment and agent. */
export function baselineRoutes(router: Router, deps: Pick<AppDeps, 'store'>): void {
  const { store } = deps
  router.add(
    {
      method: 'get',
      path: '/api/v1/baselines',
      tag: 'control',
      scope: 'read',
      summary: 'The anomaly baselines of the hour running now',
      description:
        'Without `agent`: `{baselines: [...]}`, one per environment and agent active in the last four weeks. ' +
        'With `agent`: that agent’s baseline as one object.',
      query: Query,
      responses: {
        200: {
          description: 'The baselines, or one agent’s',
          schema: z.union([z.object({ baselines: z.array(BaselineSchema) }), BaselineSchema]),
        },
        404: {
          description: 'The agent has no activity in the last four weeks',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { query, key }) => {
      const orgId = key.org_id
      const now = Date.now()
      const baselines = await baselinesAt(store.alerts, orgId, now, query)
      if (query.agent === undefined) return c.json({ baselines })
      if (baselines.length === 0)
        throw new AppError('not_found', 'no activity of this agent in the last four weeks')
      if (baselines.length === 1 || query.environment !== undefined) return c.json(baselines[0])
      // Active in several environments: the one it was last seen in.
      const seen = await store.events.agents(orgId, { name: query.agent })
      const last = seen.reduce<(typeof seen)[number] | undefined>(
        (a, b) => (a === undefined || b.last_seen > a.last_seen ? b : a),
        undefined,
      )
      return c.json(baselines.find((b) => b.environment === last?.environment) ?? baselines[0])
    },
  )
}
