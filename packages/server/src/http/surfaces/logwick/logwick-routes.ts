import { z } from 'zod'
import {
  LIMITS,
  eventFromLogwick,
  logwickLogFromEvent,
  normalizeStatus,
} from '@agenttrail/protocol'
import type { LogwickLog } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { IngestService } from '../../../ingest/ingest-service.js'
import { decodeCursor, encodeCursor } from '../../../store/cursor.js'
import type { EventFilter, Store } from '../../../store/store.js'
import { exportEvents } from '../../export-stream.js'
import { ErrorBodySchema } from '../../openapi.js'
import { rawBody, timeParam } from '../../route-spec.js'
import type { Router } from '../../router.js'

const LogwickLogSchema = z
  .object({
    id: z.string(),
    timestamp: z.string(),
    agent: z.string().nullable(),
    action: z.string().nullable(),
    status: z.string(),
    input: z.unknown(),
    output: z.unknown(),
    user: z.string().nullable(),
    tokens: z.number().nullable(),
    latency_ms: z.number().nullable(),
    cost_usd: z.number().nullable(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    environment: z.string(),
  })
  .meta({ id: 'LogwickLog' })

export const LogInputSchema = z
  .looseObject({
    agent: z.string().describe('Required. The AI model or agent name.'),
    action: z.string().describe('Required. The action or task type.'),
    status: z.string().optional().describe('success, error or pending. Default success.'),
    input: z.unknown().optional(),
    output: z.unknown().optional(),
    user: z.string().optional(),
    tokens: z.number().int().optional().describe('Total tokens.'),
    latency_ms: z.number().optional(),
    cost_usd: z.number().optional(),
    tags: z.array(z.string()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'LogwickLogInput' })

const CSV_COLUMNS = [
  'id',
  'timestamp',
  'agent',
  'action',
  'status',
  'user',
  'tokens',
  'latency_ms',
  'cost_usd',
  'tags',
  'input',
  'output',
  'environment',
] as const satisfies ReadonlyArray<keyof LogwickLog>

const LogsQuery = z.object({
  status: z
    .string()
    .transform(
      (word, ctx) =>
        normalizeStatus(word) ??
        (ctx.addIssue({ code: 'custom', message: 'must be one of success, error, pending' }),
        z.NEVER),
    )
    .optional(),
  agent: z.string().min(1).max(LIMITS.shortString).optional(),
  action: z.string().min(1).max(LIMITS.shortString).optional(),
  user: z.string().min(1).max(LIMITS.shortString).optional(),
  environment: z.string().min(1).max(LIMITS.shortString).optional(),
  search: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe('Every word must occur in the input, output, title or error.'),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageRows).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  cursor: z.string().optional(),
  format: z.enum(['json', 'csv']).default('json').describe('csv streams every matching log.'),
})

/** Logwick's REST API (shared/reference/000): `POST /api/v1/logs` and `GET /api/v1/logs`. */
export function logwickRoutes(router: Router, store: Store, ingest: IngestService): void {
  router.add(
    {
      method: 'post',
      path: '/api/v1/logs',
      tag: 'logwick',
      surface: 'logwick',
      scope: 'ingest',
      summary: 'Ingest one AI-call log (Logwick)',
      description:
        '`tokens` is stored as the total token count and `latency_ms` as the duration. Answers after the commit.',
      // Parsed here (`eventFromLogwick`), naming the missing fields as Logwick does.
      body: rawBody(LogInputSchema),
      bodyBytes: LIMITS.eventBodyBytes,
      idempotent: true,
      responses: {
        201: {
          description: 'Ingested',
          schema: z.object({
            id: z.string(),
            timestamp: z.string(),
            status: z.literal('ingested'),
          }),
        },
        400: { description: 'A missing or bad field, named', schema: ErrorBodySchema },
      },
    },
    async (c, { body, ingest: ctx }) => {
      const mapped = eventFromLogwick(body)
      if (!mapped.ok)
        throw new AppError(
          'validation_failed',
          `${mapped.missing.join(' and ')} ${mapped.missing.length > 1 ? 'are' : 'is'} required`,
          mapped.missing.map((path) => ({ path, message: 'is required' })),
        )
      const receipt = await ingest.one(mapped.event, ctx)
      if (receipt.replayed) c.header('Idempotent-Replayed', 'true')
      // A replay answers what the first request was answered: the stored event's time, not this one's.
      const stored = receipt.replayed ? await store.events.get(ctx.orgId, receipt.id) : undefined
      return c.json(
        {
          id: receipt.id,
          timestamp: stored?.ts ?? new Date(receipt.event.ts).toISOString(),
          status: 'ingested' as const,
          // An action that broke a rule of the control plane is logged all the same; this says which.
          ...(receipt.control && { control: receipt.control }),
        },
        201,
      )
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/logs',
      tag: 'logwick',
      surface: 'logwick',
      scope: 'read',
      summary: 'Query logs, newest first (Logwick)',
      description:
        'Page with `cursor` (the previous `next_cursor`) or `offset`. `format=csv` downloads every matching log.',
      query: LogsQuery,
      responses: {
        200: {
          description: 'A page of logs, or the CSV',
          schema: z.object({
            logs: z.array(LogwickLogSchema),
            total: z.number().optional(),
            next_cursor: z.string().nullable(),
          }),
          contentTypes: ['application/json', 'text/csv'],
        },
        400: { description: 'A bad parameter', schema: ErrorBodySchema },
      },
    },
    async (c, { query: q, key }) => {
      if (q.from !== undefined && q.to !== undefined && q.from >= q.to)
        throw new AppError('invalid_query', 'from must be earlier than to')
      const orgId = key.org_id
      const filter: EventFilter = {
        status: q.status,
        agent: q.agent,
        action: q.action,
        user: q.user,
        environment: q.environment,
        q: q.search,
        from: q.from,
        to: q.to,
      }
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
      if (q.format === 'csv')
        return exportEvents(store, orgId, filter, after, 'csv', {
          columns: CSV_COLUMNS,
          row: logwickLogFromEvent,
          name: 'logs',
        })
      const page = await store.events.query(orgId, filter, {
        limit: q.limit,
        after,
        offset: after ? 0 : q.offset,
      })
      // Counting a full-text match would read every match; totals come without `search` only.
      const total = q.search === undefined ? await store.events.count(orgId, filter) : undefined
      return c.json({
        logs: page.items.map(logwickLogFromEvent),
        ...(total === undefined ? {} : { total }),
        limit: q.limit,
        offset: after ? 0 : q.offset,
        next_cursor: page.next ? encodeCursor(page.next) : null,
      })
    },
  )
}
