#!/usr/bin/env node
import { ConfigError, DataDirLockedError, VERSION } from '@agenttrail/server'
import { agentsCommand } from './agents-command.js'
import { backupCommand } from './backup-command.js'
import { eventsCommand } from './events-command.js'
import { exportCommand } from './export-command.js'
import { keysCommand } from './keys-command.js'
import { orgsCommand } from './orgs-command.js'
import { serveCommand } from './serve-command.js'
import { statsCommand } from './stats-command.js'
import { tailCommand } from './tail-command.js'

const USAGE = `agenttrail ${VERSION}: the audit trail and control plane for AI agents

Usage:
  agenttrail serve [--port 7878] [--host 127.0.0.1] [--data-dir ./data] [--database-url postgres://...] [--log-level info]
  agenttrail keys create --name NAME [--scopes ingest,read,...] [--prefix at_] [--org default] [--description TEXT]
  agenttrail keys list [--org ORG]
  agenttrail keys revoke ID
  agenttrail keys rotate ID
  agenttrail orgs plan ORG [--name free|pro|business|enterprise|OWN] [--logs-per-month N|none] [--retention-days N|none] [--rpm N|none]
  agenttrail orgs show ORG
  agenttrail backup FILE [--data-dir ./data]

Against a running server (--url URL or AGENTTRAIL_URL, --key KEY or AGENTTRAIL_API_KEY):
  agenttrail tail [--agent NAME] [--environment ENV] [--kind K] [--status S] [--type T] [--since SEQ|ID|TIME] [--json]
  agenttrail events search [filters] [--limit N] [--cursor C] [--json]
  agenttrail events get ID [--json]
  agenttrail export [filters] [--format jsonl|csv] --output FILE|- [--resume]
  agenttrail stats [--days N | --from TIME --to TIME] [--agent NAME] [--environment ENV] [--json]
  agenttrail agents list [--environment ENV] [--json]
  agenttrail agents pause|resume|kill NAME [--environment ENV] [--yes]

Every option also reads an environment variable: AGENTTRAIL_PORT, AGENTTRAIL_HOST, AGENTTRAIL_DATA_DIR,
AGENTTRAIL_LOG_LEVEL, DATABASE_URL. The keys and orgs commands work on the store directly (--data-dir, or DATABASE_URL;
orgs also takes --database-url). A plan is set by the operator here, never with an org's API key; running servers
apply it within 5 s. Naming free, pro, business or enterprise takes that plan's limits, except the limits given.
Run agenttrail COMMAND --help for more; docs/cli.md has every command, flag and example.
Exit codes: 0 done, 1 failed, 2 a usage mistake, 3 the server could not be reached, 4 the key was refused.
`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return command === undefined ? 1 : 0
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${VERSION}\n`)
    return 0
  }
  if (STORE_COMMANDS.includes(command) && rest.some((a) => a === '--help' || a === '-h'))
    return storeCommandHelp(command)
  if (command === 'serve') return serveCommand(rest)
  if (command === 'keys') return keysCommand(rest)
  if (command === 'orgs') return orgsCommand(rest)
  if (command === 'backup') return backupCommand(rest)
  if (command === 'tail') return tailCommand(rest)
  if (command === 'events') return eventsCommand(rest)
  if (command === 'export') return exportCommand(rest)
  if (command === 'stats') return statsCommand(rest)
  if (command === 'agents') return agentsCommand(rest)
  process.stderr.write(`agenttrail: unknown command "${command}"\n\n${USAGE}`)
  return 2
}

const STORE_COMMANDS = ['serve', 'keys', 'orgs', 'backup']

/** `--help` of the commands that work on the store: their usage lines and the notes below them. */
function storeCommandHelp(command: string): number {
  const lines = USAGE.split('\n').filter((l) => l.trimStart().startsWith(`agenttrail ${command} `))
  const notes = USAGE.slice(USAGE.indexOf('\nEvery option')).trimStart()
  process.stdout.write(`Usage:\n${lines.join('\n')}\n\n${notes}`)
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    const known =
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      (error instanceof Error &&
        (error.name === 'AppError' ||
          ('code' in error &&
            String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))))
    process.stderr.write(`agenttrail: ${error instanceof Error ? error.message : String(error)}\n`)
    if (!known && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
    process.exitCode = known ? 2 : 1
  },
)
