import { AgentTrail, AgentTrailError } from 'agenttrail'
import type { TrailReader } from 'agenttrail'
import { commandFlags, printHelp, wholeNumber } from './command-flags.js'
import { EXIT, usage } from './exit-codes.js'
import { remoteFailure } from './remote-error.js'
import { remoteClient } from './remote-client.js'
import { REMOTE_OPTIONS } from './remote-target.js'
import { TAIL_HELP } from './tail-help.js'
import { streamMatcher } from './stream-matcher.js'
import { actionLine, alertLine, eventLine, useColor } from './event-line.js'
import { safeJson } from './safe-text.js'
import { SinceError, sinceStart } from './since-start.js'
import type { SinceStart } from './since-start.js'

const OPTIONS = {
  ...REMOTE_OPTIONS,
  agent: { type: 'string' },
  environment: { type: 'string' },
  kind: { type: 'string' },
  status: { type: 'string' },
  service: { type: 'string' },
  action: { type: 'string' },
  model: { type: 'string' },
  type: { type: 'string' },
  since: { type: 'string' },
  json: { type: 'boolean' },
  'reconnect-delay': { type: 'string' },
} as const

const TYPES = ['event.new', 'action.new', 'alert.new']

/**
 * `agenttrail tail`: the live stream (`GET /api/v1/stream`) until Ctrl-C. The SDK's stream resumes
 * with `Last-Event-ID` after a dropped connection or a server restart, so the server replays what
 * was missed; frames at or below the last seq printed are skipped, so nothing prints twice.
 */
export async function tailCommand(args: string[]): Promise<number> {
  const parsed = commandFlags(args, OPTIONS, 'tail')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(TAIL_HELP)
  if (positionals.length > 0) return usage(`tail takes no arguments (got "${positionals[0]}")`)
  const types = (flags.type ?? 'event.new')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
  const unknown = types.find((t) => !TYPES.includes(t))
  if (unknown !== undefined || types.length === 0)
    return usage(`--type must list ${TYPES.join(', ')} (got "${unknown ?? ''}")`)
  const delay = wholeNumber(flags['reconnect-delay'] ?? '1000', 10, 60_000)
  if (delay === undefined) return usage('--reconnect-delay must be a number of ms, 10 to 60000')
  const client = remoteClient(flags)
  if (typeof client === 'number') return client
  const { reader, target } = client

  let start: SinceStart
  try {
    const head = await headSeq(reader)
    start = flags.since === undefined ? {} : await sinceStart(reader, flags.since, head)
  } catch (error) {
    if (error instanceof SinceError) return usage(error.message)
    return remoteFailure(error, target, 'read')
  }

  const matches = streamMatcher(flags, start.notBefore)
  const color = useColor()
  const printed = new Map<string, number>()
  const trail = new AgentTrail({ ...target, flushOnExit: false, silent: true, keyCheck: false })
  return new Promise<number>((resolve) => {
    const stop = (code: number) => {
      handle.close()
      process.off('SIGINT', interrupted)
      process.off('SIGTERM', interrupted)
      resolve(code)
    }
    const interrupted = () => stop(EXIT.ok)
    process.once('SIGINT', interrupted)
    process.once('SIGTERM', interrupted)
    const handle = trail.stream({
      events: types,
      agent: flags.agent,
      environment: flags.environment ?? null,
      lastEventId: start.lastEventId,
      reconnectDelayMs: delay,
      onEvent(type, data, id) {
        const seq = Number(id)
        if (id !== '' && seq <= (printed.get(type) ?? -1)) return
        if (id !== '') printed.set(type, seq)
        const fields = data as Record<string, unknown>
        if (!matches(type, fields)) return
        const line = flags.json
          ? safeJson(data)
          : type === 'alert.new'
            ? alertLine(fields, color)
            : type === 'action.new'
              ? actionLine(fields, color)
              : eventLine(fields, color)
        process.stdout.write(`${line}\n`)
      },
      onError(error) {
        if (error instanceof AgentTrailError && (error.status === 401 || error.status === 403)) {
          stop(remoteFailure(error, target, 'read'))
          return
        }
        process.stderr.write(
          `agenttrail: the stream was interrupted (${error.message}); reconnecting\n`,
        )
      },
    })
  })
}

// The stream answers a bad key only after connecting, with no message, and then retries forever;
// one read first tells an unreachable server, a wrong key and a missing scope apart, plainly. It
// also gives the head `--since SEQ` may not pass: the highest seq among the newest events by
// `ts`. The server exposes no head seq, and the newest event by `ts` is not the last committed
// when clocks differ, so a hundred are read; only an event backdated behind them all and
// committed after them is missed (its seq is refused; --since with its id works).
async function headSeq(reader: TrailReader): Promise<number> {
  const { events } = await reader.events({ limit: 100 })
  return Math.max(0, ...events.map((e) => e.seq))
}
