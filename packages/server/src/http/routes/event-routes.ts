import { z } from 'zod'
import {
  AppendReceiptSchema,
  BatchInputSchema,
  EventInputSchema,
  EventSchema,
  LIMITS,
  normalizeStatus,
} from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { IngestService } from '../../ingest/ingest-service.js'
import { decodeCursor, encodeCursor } from '../../store/cursor.js'
import type { EventFilter, Store } from '../../store/store.js'
import { exportEvents } from '../export-stream.js'
import { ErrorBodySchema } from '../openapi.js'
import { EvaluationSchema, evaluationView } from './evaluation-schemas.js'
import { rawBody, timeParam } from '../route-spec.js'
import type { Router } from '../router.js'

const text = z.string().min(1).max(LIMITS.shortString)

export const EventsQuerySchema = z.object({
  from: timeParam.optional().describe('Inclusive lower bound on `ts`.'),
  to: timeParam.optional().describe('Exclusive upper bound on `ts`.'),
  agent: text.optional(),
  service: text.optional(),
  action: text.optional(),
  status: z
    .string()
    .transform((word, ctx) => {
      const status = normalizeStatus(word)
      if (!status)
        ctx.addIssue({ code: 'custom', message: 'must be one of success, error, pending, denied' })
      return status ?? z.NEVER
    })
    .optional(),
  kind: text.optional(),
  environment: text.optional(),
  user: text.optional(),
  trace_id: text.optional(),
  conversation_id: text.optional(),
  model: text.optional(),
  tag: text.optional(),
  q: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe('Full-text: every word must occur in title, input, output or error.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.pageRows)
    .default(50)
    .describe('Rows per page (JSON only). Default 50.'),
  cursor: z.string().optional().describe('`next_cursor` of the previous page.'),
  format: z
    .enum(['json', 'csv', 'jsonl'])
    .default('json')
    .describe('csv and jsonl stream every matching row.'),
})

export function eventRoutes(router: Router, store: Store, ingest: IngestService): void {
  router.add(
    {
      method: 'post',
      path: '/api/v1/events',
      tag: 'events',
      scope: 'ingest',
      summary: 'Append one event',
      description:
        'Answers only after the event is committed to disk. A client-supplied `id` makes the append idempotent (200 with the stored receipt); an `Idempotency-Key` header replays the first response for 24 hours.',
      // The pipeline redacts, then validates and normalizes (`normalizeEvent`, which applies this schema).
      body: rawBody(EventInputSchema),
      bodyBytes: LIMITS.eventBodyBytes,
      idempotent: true,
      responses: {
        201: { description: 'Committed', schema: AppendReceiptSchema },
        200: {
          description: 'An event with this id already existed; its receipt',
          schema: AppendReceiptSchema,
        },
        400: { description: 'Malformed JSON or an invalid field', schema: ErrorBodySchema },
        413: { description: 'Body over 1 MiB', schema: ErrorBodySchema },
        422: { description: 'Idempotency-Key reused with another body', schema: ErrorBodySchema },
      },
    },
    async (c, { body, ingest: ctx }) => {
      const receipt = await ingest.one(body, ctx)
      if (receipt.replayed) c.header('Idempotent-Replayed', 'true')
      return c.json(
        {
          id: receipt.id,
          seq: receipt.seq,
          received_at: receipt.received_at,
          ...(receipt.control && { control: receipt.control }),
        },
        receipt.duplicate && !receipt.replayed ? 200 : 201,
      )
    },
  )

  const BatchResultSchema = z
    .object({
      accepted: z.array(
        AppendReceiptSchema.extend({ index: z.number().int(), duplicate: z.boolean() }),
      ),
      errors: z.array(
        z.object({
          index: z.number().int(),
          details: z.array(z.object({ path: z.string(), message: z.string() })),
        }),
      ),
    })
    .meta({ id: 'BatchResult' })

  router.add(
    {
      method: 'post',
      path: '/api/v1/events/batch',
      tag: 'events',
      scope: 'ingest',
      summary: 'Append up to 1,000 events',
      description:
        'Each event is validated on its own. The valid ones are committed together in one transaction; the invalid ones are listed by index with every problem. 201: all accepted. 200: some accepted, some rejected. 400: none accepted.',
      body: BatchInputSchema,
      bodyBytes: LIMITS.batchBodyBytes,
      idempotent: true,
      responses: {
        201: { description: 'All committed', schema: BatchResultSchema },
        200: { description: 'Partly committed: see `errors`', schema: BatchResultSchema },
        400: {
          description: 'Malformed JSON, no events, or every event invalid',
          schema: ErrorBodySchema,
        },
        413: { description: 'Body over 16 MiB', schema: ErrorBodySchema },
      },
    },
    async (c, { body: { events }, ingest: ctx }) => {
      const result = await ingest.batch(events, ctx)
      if (result.accepted.length === 0)
        throw new AppError(
          'validation_failed',
          `none of the ${events.length} events is valid; see details`,
          result.errors.flatMap((e) => e.details),
        )
      if (result.replayed) c.header('Idempotent-Replayed', 'true')
      const accepted = result.accepted.map(
        ({ index, id, seq, received_at, duplicate, control }) => ({
          index,
          id,
          seq,
          received_at,
          duplicate,
          ...(control && { control }),
        }),
      )
      return c.json({ accepted, errors: result.errors }, result.errors.length === 0 ? 201 : 200)
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/events',
      tag: 'events',
      scope: 'read',
      summary: 'Find events',
      description:
        'Newest first by `ts`, then `id`. Pages are stable: pass `next_cursor` back as `cursor`. `format=csv` or `jsonl` streams every matching row in constant memory.',
      query: EventsQuerySchema,
      responses: {
        200: {
          description: 'A page of events (or the streamed export)',
          schema: z.object({ events: z.array(EventSchema), next_cursor: z.string().nullable() }),
          contentTypes: ['application/json', 'text/csv', 'application/x-ndjson'],
        },
        400: { description: 'A bad parameter or cursor', schema: ErrorBodySchema },
        503: {
          description:
            '`search_index_behind` (PostgreSQL, with `q`): more than 5,000 of the org’s newest events wait for the search index; `Retry-After: 2`',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { query, key }) => {
      const orgId = key.org_id
      if (query.from !== undefined && query.to !== undefined && query.from >= query.to)
        throw new AppError('invalid_query', 'from must be earlier than to')
      const filter: EventFilter = {
        from: query.from,
        to: query.to,
        agent: query.agent,
        service: query.service,
        action: query.action,
        status: query.status,
        kind: query.kind,
        environment: query.environment,
        user: query.user,
        traceId: query.trace_id,
        conversationId: query.conversation_id,
        model: query.model,
        tag: query.tag,
        q: query.q,
      }
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor)
      if (query.format === 'json') {
        const page = await store.events.query(orgId, filter, { limit: query.limit, after })
        return c.json({
          events: page.items,
          next_cursor: page.next ? encodeCursor(page.next) : null,
        })
      }
      return exportEvents(store, orgId, filter, after, query.format)
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/events/{id}',
      tag: 'events',
      scope: 'read',
      summary: 'One event, in full',
      description: 'With its evaluations (the 100 newest), newest first.',
      params: z.object({ id: z.string() }),
      responses: {
        200: {
          description: 'The event',
          schema: EventSchema.extend({ evaluations: z.array(EvaluationSchema) }),
        },
        404: { description: 'No such event in this org', schema: ErrorBodySchema },
      },
    },
    async (c, { params, key }) => {
      const event = await store.events.get(key.org_id, params.id)
      if (!event) throw new AppError('not_found', 'no event with this id in your org')
      const evaluations = await store.evaluations.forEvent(key.org_id, params.id)
      return c.json({ ...event, evaluations: evaluations.map(evaluationView) })
    },
  )
}
