import { z } from 'zod'
import { ActivityEventSchema } from '@agenttrail/protocol'

const ErrorItem = z.object({ code: z.number().int(), message: z.string() })

/** Every Wiro answer: `result` and `errors`, then the endpoint's own fields. */
const envelope = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ result: z.boolean(), errors: z.array(ErrorItem), ...shape })

export const WiroErrorSchema = z
  .object({ result: z.literal(false), errors: z.array(ErrorItem) })
  .meta({
    id: 'WiroError',
    description:
      'HTTP 200 (401 for a missing or unknown key). Code 0: general; 1: not found or not accessible.',
  })

const guid = z.string().describe('The agent guid (`guid` on `GET /api/v1/agents`).')
const date = z.string().describe('`YYYY-MM-DD` (UTC) or `"today"`.')

export const LogsRequestSchema = z.object({
  useragentguid: guid,
  date: date.optional().describe('Default: today (UTC).'),
  lines: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Newest events to return; default 200, at most 5000.'),
})
export const LogsResponseSchema = envelope({
  date: z.string().nullable(),
  totalLines: z
    .number()
    .int()
    .describe('Every event of the agent that day, regardless of `lines`.'),
  events: z.array(ActivityEventSchema).describe('Newest first.'),
})

export const LogsListRequestSchema = z.object({ useragentguid: guid })
export const LogsListResponseSchema = envelope({
  dates: z
    .array(z.object({ date: z.string(), sizeBytes: z.number().int(), compressed: z.boolean() }))
    .describe('Newest first.'),
})

export const LogsDayRequestSchema = z.object({ useragentguid: guid, date })
export const LogsFileResponseSchema = envelope({
  date: z.string(),
  truncated: z
    .boolean()
    .describe('True when the day holds more than 50,000 events; the newest 50,000 are returned.'),
  events: z.array(ActivityEventSchema).describe('Newest first.'),
})
export const LogsDeleteResponseSchema = envelope({
  date: z.string(),
  removed: z
    .object({ plain: z.boolean(), gz: z.boolean() })
    .describe('Which archive files existed and were deleted.'),
})

export const LogsIngestRequestSchema = z.object({
  useragentguid: guid.optional(),
  agent: z.string().optional().describe('The agent name, when there is no guid yet.'),
  environment: z.string().optional().describe('With `agent`; default `production`.'),
  events: z.array(ActivityEventSchema).min(1).max(1_000),
})
export const LogsIngestResponseSchema = envelope({
  useragentguid: z.string(),
  accepted: z.number().int(),
  ids: z.array(z.string()).describe('Event ids of the accepted events, in the order sent.'),
})
