import { z } from 'zod'
import { LIMITS, isUuid, parseDay } from '@agenttrail/protocol'
import type { Config } from '../../config.js'
import { createEraser } from '../../erasure/eraser.js'
import type { DeleteRange, Store } from '../../store/store.js'
import { DAY_MS } from '../../store/time-buckets.js'
import type { ErasureRecord, ErasureSelector } from '../../store/tombstone.js'
import { clientAddress } from '../ingest-request.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { auditEventError } from './event-delete-route.js'
import { strictBody } from './strict-body.js'

/** Longest `reason`, in characters. */
export const REASON_MAX = 500

const name = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .min(1, 'must not be empty')
    .max(LIMITS.shortString, `must be at most ${LIMITS.shortString} characters`)

const SELECTORS = ['user', 'agent', 'event_id'] as const

export const NewErasureSchema = strictBody({
  user: name('a string: the `user` whose events are erased')
    .optional()
    .describe('Erase every event whose `user` is this (a person’s data).'),
  agent: name('a string: the agent whose day is erased')
    .optional()
    .describe('With `day`: erase the agent’s events of that UTC day (as Wiro’s LogsDelete).'),
  day: z
    .string({ error: 'must be a day as YYYY-MM-DD' })
    .refine((d) => parseDay(d) !== undefined, 'must be a day on the calendar as YYYY-MM-DD')
    .optional()
    .describe('`YYYY-MM-DD`, UTC; only with `agent`.'),
  environment: name('a string')
    .optional()
    .describe('Only with `agent`: that environment’s agent. Default every environment.'),
  event_id: z
    .string({ error: 'must be a string: the id of the event erased' })
    .min(1, 'must not be empty')
    .optional()
    .describe('Erase this one event.'),
  reason: z
    .string({ error: `is required: why, at most ${REASON_MAX} characters` })
    .trim()
    .min(1, `is required: why, at most ${REASON_MAX} characters`)
    .max(REASON_MAX, `must be at most ${REASON_MAX} characters`)
    .describe(
      'Why (such as `gdpr-art17`), recorded in the tombstone. Never put personal data here.',
    ),
  request_ref: z
    .string({ error: 'must be a string or null' })
    .max(LIMITS.shortString, `must be at most ${LIMITS.shortString} characters`)
    .nullable()
    .optional()
    .describe(
      'Your reference for the request (a ticket or DSAR number), recorded in the tombstone.',
    ),
})
  .superRefine(
    (b, ctx) => {
      const chosen = SELECTORS.filter((s) => b[s] !== undefined)
      if (chosen.length === 0)
        ctx.addIssue({
          code: 'custom',
          message: 'name what to erase: one of user, agent (with day) or event_id',
          path: ['user'],
        })
      for (const extra of chosen.slice(1))
        ctx.addIssue({
          code: 'custom',
          message: `cannot be sent with ${chosen[0]}: one erasure has one selector`,
          path: [extra],
        })
      if (b.agent !== undefined && b.day === undefined)
        ctx.addIssue({ code: 'custom', message: 'is required with agent', path: ['day'] })
      for (const field of ['day', 'environment'] as const)
        if (b[field] !== undefined && b.agent === undefined)
          ctx.addIssue({ code: 'custom', message: 'only goes with agent', path: [field] })
    },
    // Checked even when another field is wrong, so that one answer names every problem.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .meta({ id: 'NewErasure' })

export const ErasureResultSchema = z
  .object({
    erased: z.number().int().describe('Events erased; 0 when nothing matched.'),
    tombstones: z
      .array(
        z.object({
          id: z.string().describe('The tombstone’s event id.'),
          seq: z.number().int().describe('Its seq (its leaf is seq - 1 in the log).'),
        }),
      )
      .describe(
        'The `audit` events `log.erasure` appended with the erasure, one per 5,000 seq ranges; none when nothing matched.',
      ),
  })
  .meta({ id: 'ErasureResult' })

type NewErasure = z.infer<typeof NewErasureSchema>

const EVERYTHING = { from: -Number.MAX_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER }

/**
 * The events a request names and how its tombstone says it; undefined when nothing can match (an
 * id that is not a UUID, an unknown event). An audit event is refused (409).
 */
async function selection(
  store: Store,
  orgId: string,
  body: NewErasure,
): Promise<{ range: DeleteRange; selector: ErasureSelector; environment?: string } | undefined> {
  if (body.user !== undefined)
    return { range: { ...EVERYTHING, user: body.user }, selector: { by: 'user' } }
  if (body.agent !== undefined) {
    const from = parseDay(body.day as string) as number
    return {
      range: {
        from,
        to: from + DAY_MS,
        agent: body.agent,
        ...(body.environment !== undefined && { environment: body.environment }),
      },
      selector: {
        by: 'agent_day',
        agent: body.agent,
        day: body.day as string,
        environment: body.environment ?? null,
      },
      ...(body.environment !== undefined && { environment: body.environment }),
    }
  }
  const id = body.event_id as string
  // Every stored id is a canonical UUID (the event schema); anything else cannot be one of them.
  const event = isUuid(id) ? await store.events.get(orgId, id) : undefined
  if (!event) return undefined
  if (event.kind === 'audit') throw auditEventError()
  const ts = Date.parse(event.ts)
  return {
    range: { from: ts, to: ts + 1, id },
    selector: { by: 'event', event_id: id },
    environment: event.environment,
  }
}

/**
 * `POST /api/v1/erasures` (admin): erases a person's data (by `user`), an agent's day, or one event
 * (see `Eraser`): the rows and what is derived from them and their openings in the log go, their
 * leaves stay, and tombstones naming the erased seqs, the reason and the selector (never the user
 * erased) are appended in the same transaction, so the log, its roots and every checkpoint stay
 * valid and a verifier reports the fields as erased under the tombstone.
 */
export function erasureRoutes(
  router: Router,
  deps: { store: Store; config: Pick<Config, 'dataDir'> },
): void {
  const eraser = createEraser({ store: deps.store, dataDir: deps.config.dataDir })
  router.add(
    {
      method: 'post',
      path: '/api/v1/erasures',
      tag: 'events',
      scope: 'admin',
      summary: 'Erase events (a person’s, an agent’s day, or one), keeping the log’s proof',
      description:
        'Exactly one selector: `{user}`, `{agent, day, environment?}` or `{event_id}`, with a required `reason`. The matching events (never `audit` events) are erased with everything derived from them (search index, tags, evaluations, rollups, agent counters, conversation summaries, system prompts no other event uses, archive files of the days they were on) and their openings in the integrity log; their leaves stay. In the same transaction a tombstone is appended: an `audit` event `log.erasure` whose `user` is the key’s id and whose metadata holds `erased` (inclusive seq ranges), `count`, `reason`, `selector` (`{by: "user"}` never names the user) and `request_ref`. Nothing matched: 200 with `erased: 0` and no tombstone.',
      body: NewErasureSchema,
      bodyBytes: 16 * 1024,
      responses: {
        200: { description: 'Erased (or nothing matched)', schema: ErasureResultSchema },
        409: { description: 'An `audit` event cannot be erased', schema: ErrorBodySchema },
      },
    },
    async (c, { body, key }) => {
      const orgId = key.org_id
      const chosen = await selection(deps.store, orgId, body)
      if (!chosen) return c.json({ erased: 0, tombstones: [] })
      const record: ErasureRecord = {
        reason: body.reason,
        selector: chosen.selector,
        requestRef: body.request_ref ?? null,
        actor: key.id,
        ipAddress: clientAddress(c),
        ...(chosen.environment !== undefined && { environment: chosen.environment }),
      }
      const { erased, tombstones } = await eraser.erase(orgId, chosen.range, record)
      return c.json({ erased, tombstones })
    },
  )
}
