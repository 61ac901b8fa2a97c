import { AgentTrail } from 'agenttrail'
import type { ErasureRequest } from 'agenttrail'
import { commandFlags, printHelp } from './command-flags.js'
import { confirm } from './confirm.js'
import { EXIT, exitWith, usage } from './exit-codes.js'
import { withRemote } from './remote-client.js'
import { REMOTE_OPTIONS } from './remote-target.js'
import { safeJson, safeText } from './safe-text.js'

const OPTIONS = {
  ...REMOTE_OPTIONS,
  user: { type: 'string' },
  agent: { type: 'string' },
  day: { type: 'string' },
  environment: { type: 'string' },
  event: { type: 'string' },
  reason: { type: 'string' },
  'request-ref': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
} as const

export const ERASE_HELP = `Usage:
  agenttrail erase --user USER --reason WHY [--request-ref REF] [--yes] [--json]
  agenttrail erase --agent NAME --day YYYY-MM-DD [--environment ENV] --reason WHY [...]
  agenttrail erase --event ID --reason WHY [...]

Erases a person's events (every event whose user is USER), an agent's UTC day, or one event
(POST /api/v1/erasures): the events and everything derived from them go, their leaves stay in the
integrity log, and a tombstone (an audit event log.erasure) records who erased what and why, so
every proof and checkpoint stays valid and a verifier reports the fields as lawfully erased.
It cannot be undone: on a terminal it asks first unless --yes; without a terminal it needs --yes.

  --reason WHY        required: why (such as gdpr-art17); never put personal data here
  --request-ref REF   your reference (a ticket or DSAR number), kept in the tombstone
  --json              the server's answer as JSON

Server: --url URL (AGENTTRAIL_URL), --key KEY (AGENTTRAIL_API_KEY), a key with the admin scope.
Exit codes: 0 done (also when nothing matched), 1 failed or not confirmed, 2 bad flags or a
request the server rejects, 3 server unreachable, 4 key refused.
`

/** `agenttrail erase`: one erasure, after a confirmation. */
export async function eraseCommand(args: string[]): Promise<number> {
  const parsed = commandFlags(args, OPTIONS, 'erase')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(ERASE_HELP)
  if (positionals.length > 0)
    return usage(`erase takes flags, not "${positionals[0]}" (see --help)`)
  const chosen = (['user', 'agent', 'event'] as const).filter((f) => flags[f] !== undefined)
  if (chosen.length !== 1)
    return usage('erase needs exactly one of --user, --agent (with --day) or --event (see --help)')
  if (flags.agent !== undefined && flags.day === undefined)
    return usage('--agent needs --day YYYY-MM-DD')
  if (flags.agent === undefined && (flags.day !== undefined || flags.environment !== undefined))
    return usage('--day and --environment go with --agent')
  if (flags.reason === undefined || flags.reason.trim() === '')
    return usage('erase needs --reason WHY (such as gdpr-art17); it is kept in the tombstone')
  const request = {
    ...(flags.user !== undefined && { user: flags.user }),
    ...(flags.agent !== undefined && { agent: flags.agent, day: flags.day }),
    ...(flags.environment !== undefined && { environment: flags.environment }),
    ...(flags.event !== undefined && { eventId: flags.event }),
    reason: flags.reason,
    ...(flags['request-ref'] !== undefined && { requestRef: flags['request-ref'] }),
  } as ErasureRequest
  const what =
    flags.user !== undefined
      ? `every event of user "${safeText(flags.user)}"`
      : flags.agent !== undefined
        ? `the events of agent "${safeText(flags.agent)}" on ${safeText(flags.day ?? '')}${flags.environment ? ` in ${safeText(flags.environment)}` : ''}`
        : `event ${safeText(flags.event ?? '')}`
  if (!flags.yes) {
    if (!process.stdin.isTTY)
      return usage('erase needs --yes when not run from a terminal: an erasure cannot be undone')
    if (!(await confirm(`Erase ${what}? It cannot be undone. [y/N] `)))
      return exitWith(EXIT.failure, 'nothing erased')
  }
  return withRemote(flags, 'admin', async ({ target }) => {
    const trail = new AgentTrail({
      ...target,
      timeout: 60_000,
      flushOnExit: false,
      silent: true,
      keyCheck: false,
      fetch: globalThis.fetch,
    })
    try {
      const result = await trail.erase(request)
      if (flags.json) process.stdout.write(`${safeJson(result)}\n`)
      else if (result.erased === 0)
        process.stdout.write(`Nothing matched ${what}; nothing erased.\n`)
      else
        process.stdout.write(
          `Erased ${result.erased} event(s): ${what}.\n` +
            result.tombstones
              .map((t) => `Tombstone: seq ${t.seq}, event ${safeText(t.id)}\n`)
              .join(''),
        )
      return EXIT.ok
    } catch (error) {
      const { status, code } = error as { status?: number; code?: string }
      if (status === 409 && code !== undefined)
        return exitWith(EXIT.failure, (error as Error).message.replace(/^.*?\): /, ''))
      throw error
    } finally {
      await trail.shutdown()
    }
  })
}
