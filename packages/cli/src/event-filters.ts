import type { EventQuery } from 'agenttrail'
import { INSTANT_FORMS, parseInstant } from './time-arg.js'

/** The filters of `GET /api/v1/events` as flags, for `events search` and `export`. */
export const FILTER_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  agent: { type: 'string' },
  service: { type: 'string' },
  action: { type: 'string' },
  status: { type: 'string' },
  kind: { type: 'string' },
  environment: { type: 'string' },
  user: { type: 'string' },
  'trace-id': { type: 'string' },
  'conversation-id': { type: 'string' },
  model: { type: 'string' },
  tag: { type: 'string' },
  q: { type: 'string' },
} as const

/** The filter lines of a command's help. */
export const FILTER_HELP = `Filters (each narrows the search; every event matches when none is given):
  --from TIME             events at or after TIME: ${INSTANT_FORMS}
  --to TIME               events before TIME (same forms)
  --agent NAME            --service NAME      --action NAME      --user ID
  --status success|error|pending|denied (failed and blocked are taken too)
  --kind KIND             action, llm_call, tool_call, http_call, message, turn, cron, audit, ...
  --environment ENV       --model MODEL       --tag TAG
  --trace-id ID           --conversation-id ID
  --q WORDS               full text: every word in the title, input, output or error
`

type FilterFlags = { [K in keyof typeof FILTER_OPTIONS]?: string }

/** The query the flags describe, or a message saying which flag is wrong. */
export function eventQuery(flags: FilterFlags, now = Date.now()): EventQuery | { error: string } {
  const query: EventQuery = {
    agent: flags.agent,
    service: flags.service,
    action: flags.action,
    status: flags.status,
    kind: flags.kind,
    environment: flags.environment,
    user: flags.user,
    traceId: flags['trace-id'],
    conversationId: flags['conversation-id'],
    model: flags.model,
    tag: flags.tag,
    q: flags.q,
  }
  for (const bound of ['from', 'to'] as const) {
    const text = flags[bound]
    if (text === undefined) continue
    const instant = parseInstant(text, now)
    if (instant === undefined) return { error: `--${bound} "${text}" is not ${INSTANT_FORMS}` }
    query[bound] = instant
  }
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to)
    return { error: '--from must be earlier than --to' }
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as EventQuery
}
