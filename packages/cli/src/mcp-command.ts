import { parseArgs } from 'node:util'
import { describeError, runStdioServer } from '@agenttrail/mcp'
import { fail, usage } from './exit-codes.js'
import { REMOTE_OPTIONS, remoteTarget } from './remote-target.js'

const HELP = `agenttrail mcp: AgentTrail's MCP server over stdio, for Claude Desktop and other MCP clients

Usage:
  agenttrail mcp [--url URL] [--key KEY] [--read-only] [--log-key VKEY ...]

  --url URL      the AgentTrail server (default AGENTTRAIL_URL, else http://127.0.0.1:7878)
  --key KEY      the API key the tools act with (default AGENTTRAIL_API_KEY)
  --read-only    offer no tool that writes or changes anything, whatever the key's scopes
  --log-key VKEY a verifier key of the org's log, pinned out of band (repeat for rotated keys):
                 verify_event and verify_log trust only these (default the keys the server publishes)

The tools offered follow the key's scopes: read tools with read, ingest_log with ingest,
pause/resume/kill with control, decide_approval with approve, delete_log with admin (admin has all).
stdout carries MCP messages only; messages for people go to stderr. See docs/mcp.md.

Exit codes: 0 when the client hangs up, 1 when the server or key cannot be used, 2 for a usage mistake.
`

/** `agenttrail mcp`: serves the MCP tools over stdio against a running AgentTrail. */
export async function mcpCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...REMOTE_OPTIONS,
      'read-only': { type: 'boolean' },
      'log-key': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
    strict: true,
  })
  if (values.help) {
    // --help is for a person at a terminal, not an MCP client, so it may use stdout.
    process.stdout.write(HELP)
    return 0
  }
  const target = remoteTarget(values)
  if ('error' in target) return usage(target.error)
  try {
    await runStdioServer({
      ...target,
      readOnly: values['read-only'] ?? false,
      logKeys: values['log-key'],
    })
    return 0
  } catch (error) {
    return fail(`mcp: ${describeError(error)}`)
  }
}
