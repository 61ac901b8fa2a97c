import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { AgentTrail, TrailReader } from 'agenttrail'
import type { FetchLike } from 'agenttrail'
import { toolsFor } from './tool-catalog.js'
import { callTool } from './trail-tool.js'
import type { ToolContext } from './trail-tool.js'

/** The name the server gives itself in `initialize`. */
export const MCP_SERVER_NAME = 'agenttrail'
/** The version it gives. */
export const MCP_SERVER_VERSION = '0.1.0'

export interface TrailMcpServerOptions {
  /** The AgentTrail API key the tools act with. */
  apiKey: string
  /** The AgentTrail server, e.g. `http://127.0.0.1:7878`. */
  baseUrl: string
  /** Default: `globalThis.fetch`. The server's `/mcp` route passes one that calls it in-process. */
  fetch?: FetchLike
  /** Offer no tool that writes or changes anything (ingest, controls, approvals, deletes). Default false. */
  readOnly?: boolean
  /** The key's scopes, when known; otherwise asked of the server with one `GET /api/v1/whoami`. */
  scopes?: readonly string[]
  /** Timeout of one request to AgentTrail, in ms. Default 10 000. */
  timeout?: number
  /**
   * Signed-note verifier keys of the org's log (`<name>+<key id>+<base64 key>`), pinned out of
   * band: verify_event and verify_log trust these. Default: the keys the server publishes.
   */
  logKeys?: readonly string[]
}

const INSTRUCTIONS = `AgentTrail is the audit trail and control plane of this org's AI agents. Start with search_events (last 24 h by default), query_logs or get_stats; follow ids with get_event, get_trace, get_conversation and get_call. Long values are cut with a marker saying which call returns the rest. To show the trail was not altered, verify_event proves one event against a signed checkpoint and verify_log checks the checkpoint history; log_status says how current the checkpoints are.`

/**
 * An MCP server whose tools read (and, with the scopes for it, act on) an AgentTrail org over its
 * HTTP API. It learns the key's scopes with one `whoami` request unless `scopes` is given, and
 * offers only the tools those scopes allow. No transport is attached: connect it to a
 * `StdioServerTransport` (`runStdioServer`) or a Streamable HTTP transport, one per request.
 * Rejects when the key is refused.
 */
export async function createTrailMcpServer(options: TrailMcpServerOptions): Promise<McpServer> {
  // No client-side prefix check: a key the operator chose (AGENTTRAIL_INIT_API_KEY) has none, and
  // the server is the judge anyway (it has authenticated the key on /mcp; over stdio, whoami's 401).
  const client = {
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    keyCheck: false,
  }
  const reader = new TrailReader({ ...client, timeout: options.timeout ?? 10_000 })
  const scopes = options.scopes ?? (await reader.whoami()).key.scopes
  let trail: AgentTrail | undefined
  const ctx: ToolContext = {
    reader,
    logKeys: options.logKeys,
    // Writes only: nothing is batched here, so no timers and no exit hook.
    trail: () =>
      (trail ??= new AgentTrail({
        ...client,
        timeout: options.timeout ?? 10_000,
        flushOnExit: false,
        silent: true,
      })),
  }
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION },
    { instructions: INSTRUCTIONS },
  )
  for (const tool of toolsFor(scopes, options.readOnly)) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      (args: Record<string, unknown>) => callTool(tool, args, ctx),
    )
  }
  return server
}
