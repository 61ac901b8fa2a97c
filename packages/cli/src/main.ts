#!/usr/bin/env node
import { ConfigError, DataDirLockedError, VERSION } from '@agenttrail/server'
import { backupCommand } from './backup-command.js'
import { keysCommand } from './keys-command.js'
import { mcpCommand } from './mcp-command.js'
import { orgsCommand } from './orgs-command.js'
import { serveCommand } from './serve-command.js'

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

Every option also reads an environment variable: AGENTTRAIL_PORT, AGENTTRAIL_HOST, AGENTTRAIL_DATA_DIR,
AGENTTRAIL_LOG_LEVEL, DATABASE_URL. The keys and orgs commands work on the store directly (--data-dir, or DATABASE_URL;
orgs also takes --database-url). A plan is set by the operator here, never with an org's API key; running servers
apply it within 5 s. Naming free, pro, business or enterprise takes that plan's limits, except the limits given.
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
  if (command === 'serve') return serveCommand(rest)
  if (command === 'keys') return keysCommand(rest)
  if (command === 'orgs') return orgsCommand(rest)
  if (command === 'backup') return backupCommand(rest)
  if (command === 'mcp') return mcpCommand(rest)
  process.stderr.write(`agenttrail: unknown command "${command}"\n\n${USAGE}`)
  return 2
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
