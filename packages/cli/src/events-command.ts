import type { StoredEvent } from 'agenttrail'
import { commandFlags, printHelp, wholeNumber } from './command-flags.js'
import { EXIT, exitWith, usage } from './exit-codes.js'
import { FILTER_HELP, FILTER_OPTIONS, eventQuery } from './event-filters.js'
import { eventLine, useColor } from './event-line.js'
import { withRemote } from './remote-client.js'
import { REMOTE_OPTIONS } from './remote-target.js'
import { eventDetail } from './event-detail.js'
import { safeJson } from './safe-text.js'

const SEARCH_OPTIONS = {
  ...REMOTE_OPTIONS,
  ...FILTER_OPTIONS,
  limit: { type: 'string' },
  cursor: { type: 'string' },
  json: { type: 'boolean' },
} as const

const GET_OPTIONS = { ...REMOTE_OPTIONS, json: { type: 'boolean' } } as const

export const EVENTS_HELP = `Usage:
  agenttrail events search [filters] [--limit N] [--cursor C] [--json]
  agenttrail events get ID [--json]

search lists the events that match, newest first: one line each (time, agent, kind, status,
model or service/action, tokens, cost, duration, title), or with --json one JSON object per line.
When more match than --limit (default 20, at most 100000), the cursor of the rest is printed on
stderr: pass it back with --cursor.

get prints one event in full with its evaluations: field by field, or with --json as JSON.

${FILTER_HELP}
Server: --url URL (AGENTTRAIL_URL, default http://127.0.0.1:7878), --key KEY (AGENTTRAIL_API_KEY),
a key with the read scope.
Exit codes: 0 done, 1 no such event, 2 bad flags or query, 3 server unreachable, 4 key refused.
`

/** `agenttrail events search|get`: the events of `GET /api/v1/events` and one event in full. */
export async function eventsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help')
    return sub === undefined
      ? usage(`events needs search or get\n\n${EVENTS_HELP}`)
      : printHelp(EVENTS_HELP)
  if (sub === 'search') return search(rest)
  if (sub === 'get') return get(rest)
  return usage(`unknown events command "${sub}"; use search or get (see agenttrail events --help)`)
}

async function search(args: string[]): Promise<number> {
  const parsed = commandFlags(args, SEARCH_OPTIONS, 'events search')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(EVENTS_HELP)
  if (positionals.length > 0)
    return usage(`events search takes flags, not "${positionals[0]}" (see --help)`)
  const limit = wholeNumber(flags.limit ?? '20', 1, 100_000)
  if (limit === undefined) return usage('--limit must be a whole number from 1 to 100000')
  const query = eventQuery(flags)
  if ('error' in query) return usage(query.error)
  const color = useColor()
  return withRemote(flags, 'read', async ({ reader }) => {
    let shown = 0
    let cursor: string | null | undefined = flags.cursor
    // Each request asks for no more than is still wanted, so a page is never cut and its cursor
    // continues exactly after the last line printed.
    do {
      const page = await reader.events({ ...query, cursor, limit: Math.min(limit - shown, 1000) })
      process.stdout.write(page.events.map((e) => `${line(e, flags.json, color)}\n`).join(''))
      shown += page.events.length
      cursor = page.events.length === 0 ? null : page.next_cursor
    } while (cursor !== null && shown < limit)
    if (shown === 0 && !flags.json) process.stderr.write('No events match.\n')
    if (cursor !== null && shown >= limit)
      process.stderr.write(`More events match: add --cursor ${cursor} for the next ones.\n`)
    return EXIT.ok
  })
}

async function get(args: string[]): Promise<number> {
  const parsed = commandFlags(args, GET_OPTIONS, 'events get')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(EVENTS_HELP)
  const [id, extra] = positionals
  if (id === undefined || extra !== undefined) return usage('events get needs one event id')
  return withRemote(flags, 'read', async ({ reader }) => {
    let event: StoredEvent
    try {
      event = await reader.event(id)
    } catch (error) {
      if ((error as { status?: number }).status === 404)
        return exitWith(EXIT.failure, `no event with id ${id} in this key's org`)
      throw error
    }
    process.stdout.write(flags.json ? `${safeJson(event, 2)}\n` : eventDetail(event, useColor()))
    return EXIT.ok
  })
}

function line(e: StoredEvent, json: boolean | undefined, color: boolean): string {
  return json ? safeJson(e) : eventLine(e, color)
}
