import { z } from 'zod'
import { actionLogFromEvent } from '@agenttrail/protocol'
import type { ActionLog } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import { queryAll } from '../../../store/query-all.js'
import type { Store } from '../../../store/store.js'
import { csvRow } from '@agenttrail/protocol'
import type { Router } from '../../router.js'
import {
  ActionFilterQuery,
  ActionLogSchema,
  AgentLedgerErrorSchema,
  actionFilter,
} from './action-schemas.js'

const MAX_SPAN_MS = 90 * 86_400_000
const CSV_COLUMNS = [
  'id',
  'agent_name',
  'service',
  'action',
  'status',
  'estimated_cost_cents',
  'duration_ms',
  'trace_id',
  'environment',
  'created_at',
] as const satisfies ReadonlyArray<keyof ActionLog>

const ExportQuery = z.object({
  ...ActionFilterQuery,
  format: z.enum(['json', 'csv']).default('json'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(5_000)
    .describe('Default 5000, at most 10000.'),
})

export function exportRoutes(router: Router, store: Store): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/export',
      tag: 'agentledger',
      surface: 'agentledger',
      scope: 'read',
      summary: 'Export actions between two dates as JSON or CSV (AgentLedger)',
      description:
        '`from` and `to` (ISO 8601, at most 90 days apart) are required. CSV cells that a spreadsheet would run as formulas are escaped. Newest first.',
      query: ExportQuery,
      responses: {
        200: {
          description: 'The export',
          schema: z.object({
            export: z.object({
              format: z.string(),
              count: z.number(),
              from: z.string(),
              to: z.string(),
              generated_at: z.string(),
            }),
            actions: z.array(ActionLogSchema),
          }),
          contentTypes: ['application/json', 'text/csv'],
        },
        400: {
          description: 'Missing or bad from/to, span over 90 days, a bad filter',
          schema: AgentLedgerErrorSchema,
        },
      },
    },
    async (c, { query: q, key }) => {
      if (q.from === undefined || q.to === undefined)
        throw new AppError('invalid_query', 'Missing required parameters: from, to')
      const filter = actionFilter(q)
      if ((filter.to as number) - (filter.from as number) > MAX_SPAN_MS)
        throw new AppError('invalid_query', 'Date range cannot exceed 90 days')
      if ((filter.from as number) >= (filter.to as number))
        throw new AppError('invalid_query', '"from" must be before "to"')
      const orgId = key.org_id
      const actions = (await queryAll(store.events, orgId, filter, q.limit)).items.map(
        actionLogFromEvent,
      )
      if (q.format === 'csv') {
        const body =
          csvRow(CSV_COLUMNS) + actions.map((a) => csvRow(CSV_COLUMNS.map((k) => a[k]))).join('')
        return c.body(body, 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="agent-actions-${q.from.slice(0, 10)}-to-${q.to.slice(0, 10)}.csv"`,
        })
      }
      return c.json({
        export: {
          format: 'json',
          count: actions.length,
          from: q.from,
          to: q.to,
          generated_at: new Date().toISOString(),
        },
        actions,
      })
    },
  )
}
