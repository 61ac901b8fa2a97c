import { AgentTrail } from 'agenttrail'
import { confirm } from './confirm.js'
import { commandFlags, printHelp } from './command-flags.js'
import { safeJson } from './safe-text.js'
import { EXIT, exitWith, usage } from './exit-codes.js'
import { withRemote } from './remote-client.js'
import { REMOTE_OPTIONS } from './remote-target.js'
import { count, textTable, usd } from './text-table.js'

const OPTIONS = {
  ...REMOTE_OPTIONS,
  environment: { type: 'string' },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const

export const AGENTS_HELP = `Usage:
  agenttrail agents list [--environment ENV] [--json]
  agenttrail agents pause NAME [--environment ENV]
  agenttrail agents resume NAME [--environment ENV]
  agenttrail agents kill NAME [--environment ENV] [--yes]

list shows every agent seen, one row per environment, most recently active first: status,
events, errors, tokens, cost and last activity (--json: one JSON object per line).

pause stops an agent's actions until resume; kill stops it for good (it cannot be resumed, and
a critical alert fires). Each is recorded in the trail with the key that did it. A name not seen
yet is registered paused or killed. --environment defaults to production. kill asks for
confirmation on a terminal unless --yes (-y); without a terminal it needs --yes.

Server: --url URL (AGENTTRAIL_URL, default http://127.0.0.1:7878), --key KEY (AGENTTRAIL_API_KEY).
list needs the read scope; pause, resume and kill the control scope.
Exit codes: 0 done, 1 refused (resume of a killed or unknown agent) or kill not confirmed,
2 bad flags, 3 server unreachable, 4 key refused.
`

/** `agenttrail agents list|pause|resume|kill`. */
export async function agentsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help')
    return sub === undefined
      ? usage(`agents needs list, pause, resume or kill\n\n${AGENTS_HELP}`)
      : printHelp(AGENTS_HELP)
  if (!['list', 'pause', 'resume', 'kill'].includes(sub))
    return usage(
      `unknown agents command "${sub}"; use list, pause, resume or kill (see agenttrail agents --help)`,
    )
  const parsed = commandFlags(rest, OPTIONS, `agents ${sub}`)
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(AGENTS_HELP)
  if (sub === 'list') {
    if (positionals.length > 0) return usage(`agents list takes no names (got "${positionals[0]}")`)
    return withRemote(flags, 'read', async ({ reader }) => {
      const agents = await reader.agents({ environment: flags.environment })
      if (flags.json) process.stdout.write(agents.map((a) => `${safeJson(a)}\n`).join(''))
      else if (agents.length === 0) process.stderr.write('No agents seen yet.\n')
      else
        process.stdout.write(
          textTable(
            ['NAME', 'ENVIRONMENT', 'STATUS', 'EVENTS', 'ERRORS', 'TOKENS', 'COST', 'LAST SEEN'],
            agents.map((a) => [
              String(a.name),
              String(a.environment),
              String(a.status),
              count(a.events),
              count(a.errors),
              count(a.tokens_total),
              usd(a.cost_usd),
              String(a.last_seen),
            ]),
            new Set([3, 4, 5, 6]),
          ),
        )
      return EXIT.ok
    })
  }
  const [name, extra] = positionals
  if (name === undefined || extra !== undefined) return usage(`agents ${sub} needs one agent name`)
  const environment = flags.environment ?? 'production'
  if (sub === 'kill' && !flags.yes) {
    if (!process.stdin.isTTY)
      return usage('agents kill needs --yes when not run from a terminal: a kill cannot be undone')
    if (!(await confirm(`Kill agent "${name}" in ${environment}? It cannot be resumed. [y/N] `)))
      return exitWith(EXIT.failure, 'not killed')
  }
  return withRemote(flags, 'control', async ({ target }) => {
    // Only the control call: nothing is sent in the background, so no exit flush is needed.
    const trail = new AgentTrail({
      ...target,
      timeout: 30_000,
      flushOnExit: false,
      silent: true,
      keyCheck: false,
      fetch: globalThis.fetch,
    })
    try {
      const answer = await trail[`${sub as 'pause' | 'resume' | 'kill'}Agent`](name, {
        environment,
      })
      const state = answer.registered
        ? `registered ${answer.status} (not seen yet)`
        : answer.changed
          ? `now ${answer.status}`
          : `already ${answer.status}`
      process.stdout.write(`Agent "${name}" in ${environment}: ${state}.\n`)
      return EXIT.ok
    } catch (error) {
      const status = (error as { status?: number }).status
      if (status === 404) return exitWith(EXIT.failure, `no agent "${name}" seen in ${environment}`)
      if (status === 409)
        return exitWith(
          EXIT.failure,
          `agent "${name}" was killed in ${environment}: it cannot be ${sub}d`,
        )
      throw error
    }
  })
}
