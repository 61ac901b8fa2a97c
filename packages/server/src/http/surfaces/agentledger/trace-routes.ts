import { z } from 'zod'
import { actionLogFromEvent } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import { queryAll } from '../../../store/query-all.js'
import type { Store } from '../../../store/store.js'
import type { Router } from '../../router.js'
import { ActionLogSchema, AgentLedgerErrorSchema } from './action-schemas.js'
import { summarizeTrace } from './trace-summary.js'

/** A trace this long is cut; the summary says so through actionCount and `truncated`. */
const MAX_TRACE_ACTIONS = 5_000

export function traceRoutes(router: Router, store: Store): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/traces/{traceId}',
      tag: 'agentledger',
      surface: 'agentledger',
      scope: 'read',
      summary: 'Every action of one trace, by start time, with a summary (AgentLedger)',
      description:
        '`offsetMs` is each action’s start relative to the first. `parallelGroups` lists the indices of actions whose run times overlap; `parallelGroupCount` is how many such groups there are.',
      params: z.object({ traceId: z.string() }),
      query: z.object({ environment: z.string().min(1).max(200).optional() }),
      responses: {
        200: {
          description: 'The trace',
          schema: z.object({
            traceId: z.string(),
            actions: z.array(ActionLogSchema.extend({ offsetMs: z.number() })),
            truncated: z.boolean(),
            summary: z.object({
              totalDuration: z.number(),
              wallDuration: z.number(),
              totalCost: z.number(),
              actionCount: z.number(),
              firstAction: z.string().nullable(),
              lastAction: z.string().nullable(),
              services: z.array(z.string()),
              hasErrors: z.boolean(),
              parallelGroups: z.array(z.array(z.number())),
              parallelGroupCount: z.number(),
            }),
          }),
        },
        404: { description: 'No action carries this trace id', schema: AgentLedgerErrorSchema },
      },
    },
    async (c, { params: { traceId }, query: { environment }, key }) => {
      const orgId = key.org_id
      const { items: events, truncated } = await queryAll(
        store.events,
        orgId,
        { traceId, environment },
        MAX_TRACE_ACTIONS,
      )
      if (events.length === 0) throw new AppError('not_found', 'Trace not found')
      const { actions, summary } = summarizeTrace(events.map(actionLogFromEvent))
      return c.json({ traceId, actions, truncated, summary })
    },
  )
}
