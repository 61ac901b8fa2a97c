#!/usr/bin/env node
import { readFileSync } from 'node:fs'

// Each command's module is loaded when it runs: the commands that talk to a running server (and
// --help) never load the server package, which costs about a second of start-up.
type Command = (args: string[]) => Promise<number>
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve-command.js')).serveCommand,
  keys: async () => (await import('./keys-command.js')).keysCommand,
  orgs: async () => (await import('./orgs-command.js')).orgsCommand,
  backup: async () => (await import('./backup-command.js')).backupCommand,
  mcp: async () => (await import('./mcp-command.js')).mcpCommand,
  tail: async () => (await import('./tail-command.js')).tailCommand,
  events: async () => (await import('./events-command.js')).eventsCommand,
  export: async () => (await import('./export-command.js')).exportCommand,
  stats: async () => (await import('./stats-command.js')).statsCommand,
  agents: async () => (await import('./agents-command.js')).agentsCommand,
  verify: async () => (await import('./verify-command.js')).verifyCommand,
}

/** The product's version: this package's (test/e2e/cli-version.test.ts keeps it the server's). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

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
  agenttrail mcp [--url URL] [--key KEY] [--read-only]   (MCP server over stdio; docs/mcp.md)
  agenttrail verify FILE|- [--keys-file F] [--key VKEY]... [--pinned-checkpoint F] [--json]   (offline, no server)

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
Exit codes: 0 done, 1 failed, 2 a usage mistake, 3 the server could not be reached, 4 the key was refused,
5 done with warnings (verify: the export is intact, with warnings).
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
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  if (load) return (await load())(rest)
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

// `agenttrail ... | head` closes the pipe before the command is done: the reader has what it
// wanted, which is no failure. One place for every command: exit at once, quietly, with 0.
const readerGone = (error: unknown) => (error as { code?: unknown } | null)?.code === 'EPIPE'
process.stdout.on('error', (error) => {
  if (readerGone(error)) process.exit(0)
  throw error
})

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (readerGone(error)) return
    const known =
      (error instanceof Error &&
        (error.name === 'ConfigError' || error.name === 'DataDirLockedError')) ||
      (error instanceof Error &&
        (error.name === 'AppError' ||
          ('code' in error &&
            String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))))
    process.stderr.write(`agenttrail: ${error instanceof Error ? error.message : String(error)}\n`)
    if (!known && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
    process.exitCode = known ? 2 : 1
  },
)
