import { z } from 'zod'
import {
  ActivityEventSchema,
  LIMITS,
  agentGuid,
  eventFromActivity,
  zodIssues,
} from '@agenttrail/protocol'
import type { ControlNote } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import type { IngestService } from '../../../ingest/ingest-service.js'
import { rawBody } from '../../route-spec.js'
import type { Router } from '../../router.js'
import type { AgentDirectory } from './wiro-agent.js'
import type { WiroErrorItem } from './wiro-errors.js'
import { asObject } from './wiro-request.js'
import {
  LogsIngestRequestSchema,
  LogsIngestResponseSchema,
  WiroErrorSchema,
} from './wiro-schemas.js'

/** Native fields the pipeline may name in an error, in the Wiro words they came from. */
const WIRO_NAMES: Readonly<Record<string, string>> = {
  output: 'summary',
  duration_ms: 'durationMs',
  service: 'tool',
  user: 'userUuid',
  action: 'kind',
  metadata: 'event',
}

const invalid = (message: string) => new AppError('validation_failed', message)

/** The agent a LogsIngest body names: by `useragentguid`, or by `agent` (and `environment`) for a new one. */
async function target(
  agents: AgentDirectory,
  orgId: string,
  body: Record<string, unknown>,
): Promise<{ agent: string; environment: string }> {
  if (typeof body.useragentguid === 'string' && body.useragentguid.trim() !== '') {
    const ref = await agents.ref(orgId, body.useragentguid.trim().toLowerCase())
    return { agent: ref.name, environment: ref.environment }
  }
  const name = (field: string, value: unknown) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.shortString)
      throw invalid(`${field} must be a name of 1 to ${LIMITS.shortString} characters`)
    return value
  }
  if (body.agent === undefined)
    throw invalid('useragentguid is required (or agent, for an agent that has no events yet)')
  return {
    agent: name('agent', body.agent),
    environment:
      body.environment === undefined ? 'production' : name('environment', body.environment),
  }
}

/**
 * `POST /v1/UserAgent/LogsIngest`, an AgentTrail addition: Wiro's plugin appends ActivityEvent lines
 * inside the agent's container and documents no endpoint for them, so this one takes them over HTTP
 * and feeds them to the one ingest pipeline (redaction, gates, Idempotency-Key, group commit).
 * Valid events are committed together; each invalid one is an error item naming its index.
 */
export function wiroIngestRoute(
  router: Router,
  agents: AgentDirectory,
  ingest: IngestService,
): void {
  router.add(
    {
      method: 'post',
      path: '/v1/UserAgent/LogsIngest',
      tag: 'wiro',
      surface: 'wiro',
      scope: 'ingest',
      summary: 'Append ActivityEvents (AgentTrail addition to the Wiro API)',
      description:
        '`{ useragentguid | agent, environment?, events: [ActivityEvent, ...] }`, 1 to 1,000 events. `result` is true when every event was accepted; otherwise `errors` names each rejected one (`events.N...`) and the others are committed.',
      // Parsed here: each invalid ActivityEvent is an error item, the others are committed.
      body: rawBody(LogsIngestRequestSchema),
      bodyBytes: LIMITS.batchBodyBytes,
      idempotent: true,
      responses: {
        200: {
          description: 'Committed, or a Wiro error (`result: false`)',
          // Wiro answers its errors with 200 too.
          schema: z.union([LogsIngestResponseSchema, WiroErrorSchema]),
        },
        401: { description: 'Missing or unknown key', schema: WiroErrorSchema },
      },
    },
    async (c, { body: value, ingest: ctx }) => {
      const body = asObject(value)
      const { agent, environment } = await target(agents, ctx.orgId, body)
      const events = body.events
      if (!Array.isArray(events) || events.length === 0)
        throw invalid('events is required: an array of 1 to 1000 ActivityEvents')
      if (events.length > LIMITS.batchEvents)
        throw invalid(`events may hold at most ${LIMITS.batchEvents} ActivityEvents`)

      const errors: WiroErrorItem[] = []
      const mapped: Array<{ index: number; event: Record<string, unknown> }> = []
      events.forEach((raw, index) => {
        const parsed = ActivityEventSchema.safeParse(raw)
        if (parsed.success)
          mapped.push({ index, event: eventFromActivity(parsed.data, { agent, environment }) })
        else
          for (const issue of zodIssues(parsed.error, `events.${index}`))
            errors.push({ code: 0, message: `${issue.path}: ${issue.message}` })
      })
      const ids: string[] = []
      const violations: Array<{ id: string } & ControlNote> = []
      if (mapped.length > 0) {
        const result = await ingest.batch(
          mapped.map((m) => m.event),
          ctx,
        )
        if (result.replayed) c.header('Idempotent-Replayed', 'true')
        for (const accepted of result.accepted) {
          ids.push(accepted.id)
          if (accepted.control) violations.push({ id: accepted.id, ...accepted.control })
        }
        for (const rejected of result.errors)
          for (const issue of rejected.details) {
            // Native field paths (`events.N.duration_ms`) name the position in `mapped`; report the sender's.
            const sent = mapped[rejected.index]?.index ?? rejected.index
            const path = issue.path.replace(
              /^events\.\d+(\.(\w+))?/,
              (_, __, field: string | undefined) =>
                field === undefined
                  ? `events.${sent}`
                  : `events.${sent}.${WIRO_NAMES[field] ?? field}`,
            )
            errors.push({ code: 0, message: `${path}: ${issue.message}` })
          }
      }
      return c.json({
        result: errors.length === 0,
        errors,
        useragentguid: agentGuid(ctx.orgId, environment, agent),
        accepted: ids.length,
        ids,
        ...(violations.length > 0 && { violations }),
      })
    },
  )
}
