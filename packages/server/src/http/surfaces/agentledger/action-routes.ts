import { z } from 'zod'
import { LIMITS, actionLogFromEvent, eventFromAction } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { IngestService } from '../../../ingest/ingest-service.js'
import type { Store } from '../../../store/store.js'
import type { Router } from '../../router.js'
import { rawBody } from '../../route-spec.js'
import { decodeActionCursor, encodeActionCursor } from './action-cursor.js'
import {
  ActionInputSchema,
  ActionLogSchema,
  ActionsQuerySchema,
  AgentLedgerErrorSchema,
  actionFilter,
} from './action-schemas.js'
import { ViolationSchema, violationBody } from './violation-body.js'

const MAX_BATCH = 100

/** AgentLedger's action log: `POST /api/v1/actions`, `/actions/batch`, `GET /api/v1/actions`. */
export function actionRoutes(router: Router, store: Store, ingest: IngestService): void {
  router.add(
    {
      method: 'post',
      path: '/api/v1/actions',
      tag: 'agentledger',
      surface: 'agentledger',
      scope: 'ingest',
      summary: 'Log an agent action (AgentLedger)',
      description:
        'The body of the AgentLedger SDK: `{agent, service, action, status?, cost_cents?, duration_ms?, metadata?, trace_id?, environment?, input?, output?}`. Answers after the event is committed.',
      body: rawBody(ActionInputSchema),
      bodyBytes: LIMITS.eventBodyBytes,
      idempotent: true,
      responses: {
        200: {
          description: 'Logged',
          schema: z.object({ logged: z.literal(true), id: z.string() }),
        },
        403: {
          description:
            'Logged, but the action broke a rule (the agent is paused or killed, a policy, a budget): AgentLedger’s blocked body, with `logged: true` and the event id. The event carries the same note in `control`.',
          schema: ViolationSchema,
        },
        400: { description: 'Missing or bad fields', schema: AgentLedgerErrorSchema },
        401: { description: 'Missing or invalid API key', schema: AgentLedgerErrorSchema },
      },
    },
    async (c, { body, ingest: ctx }) => {
      const mapped = eventFromAction(body, Date.now())
      if (!mapped.ok) throw new AppError('validation_failed', mapped.errors.join('; '))
      const receipt = await ingest.one(mapped.event, ctx)
      if (receipt.replayed) c.header('Idempotent-Replayed', 'true')
      if (receipt.control) return c.json(violationBody(receipt.id, receipt.control), 403)
      return c.json({ logged: true, id: receipt.id })
    },
  )

  router.add(
    {
      method: 'post',
      path: '/api/v1/actions/batch',
      tag: 'agentledger',
      surface: 'agentledger',
      scope: 'ingest',
      summary: 'Log up to 100 actions (AgentLedger)',
      description:
        'Valid actions are committed together; invalid ones are listed by index. 400 when none is valid.',
      body: rawBody(z.object({ actions: z.array(ActionInputSchema).min(1).max(MAX_BATCH) })),
      bodyBytes: LIMITS.batchBodyBytes,
      idempotent: true,
      responses: {
        200: {
          description: 'Logged (see `errors` for rejected items)',
          schema: z.object({
            logged: z.boolean(),
            count: z.number(),
            ids: z.array(z.string()),
            errors: z
              .array(z.object({ index: z.number(), errors: z.array(z.string()) }))
              .optional(),
            violations: z
              .array(
                z.object({
                  index: z.number(),
                  id: z.string(),
                  reason: z.string(),
                  rule: z.string(),
                }),
              )
              .optional()
              .describe(
                'Actions logged although they broke a rule; each event carries the note in `control`.',
              ),
          }),
        },
        400: {
          description: 'No actions array, more than 100, or none valid',
          schema: AgentLedgerErrorSchema,
        },
      },
    },
    async (c, { body: value, ingest: ctx }) => {
      const actions = (value as { actions?: unknown } | null)?.actions
      if (!Array.isArray(actions) || actions.length === 0)
        throw new AppError('validation_failed', 'Missing or empty actions array')
      if (actions.length > MAX_BATCH)
        throw new AppError('validation_failed', `Maximum ${MAX_BATCH} actions per batch`)
      const now = Date.now()
      const errors: Array<{ index: number; errors: string[] }> = []
      const valid: Array<{ index: number; event: Record<string, unknown> }> = []
      actions.forEach((raw, index) => {
        const mapped = eventFromAction(raw, now)
        if (mapped.ok) valid.push({ index, event: mapped.event })
        else errors.push({ index, errors: mapped.errors })
      })
      const result =
        valid.length > 0
          ? await ingest.batch(
              valid.map((v) => v.event),
              ctx,
            )
          : undefined
      for (const e of result?.errors ?? [])
        errors.push({
          index: valid[e.index]?.index ?? e.index,
          errors: e.details.map((d) => `${d.path}: ${d.message}`),
        })
      errors.sort((a, b) => a.index - b.index)
      const ids = result?.accepted.map((a) => a.id) ?? []
      const violations = (result?.accepted ?? []).flatMap((a) =>
        a.control
          ? [
              {
                index: valid[a.index]?.index ?? a.index,
                id: a.id,
                reason: a.control.reason,
                rule: a.control.rule,
              },
            ]
          : [],
      )
      if (ids.length === 0)
        throw new AppError('validation_failed', 'No valid actions in the batch').with({ errors })
      if (result?.replayed) c.header('Idempotent-Replayed', 'true')
      return c.json({
        logged: true,
        count: ids.length,
        ids,
        ...(errors.length > 0 ? { errors } : {}),
        ...(violations.length > 0 ? { violations } : {}),
      })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/actions',
      tag: 'agentledger',
      surface: 'agentledger',
      scope: 'read',
      summary: 'List actions, newest first (AgentLedger)',
      description:
        'With `cursor` (the previous `nextCursor`) pages are stable under concurrent writes; without it `offset` skips rows. `total` counts every match. `search` matches part of the action name, case-insensitively.',
      query: ActionsQuerySchema,
      responses: {
        200: {
          description: 'A page of actions',
          schema: z.object({
            actions: z.array(ActionLogSchema),
            total: z.number(),
            nextCursor: z.string().optional(),
          }),
        },
        400: { description: 'A bad parameter or cursor', schema: AgentLedgerErrorSchema },
      },
    },
    async (c, { query: q, key }) => {
      const orgId = key.org_id
      const filter = actionFilter(q)
      const after = q.cursor === undefined ? undefined : decodeActionCursor(q.cursor)
      const [page, total] = await Promise.all([
        store.events.query(orgId, filter, { limit: q.limit, after, offset: after ? 0 : q.offset }),
        store.events.count(orgId, filter),
      ])
      return c.json({
        actions: page.items.map(actionLogFromEvent),
        total,
        ...(page.next ? { nextCursor: encodeActionCursor(page.next) } : {}),
      })
    },
  )
}
