import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { AgentTrailError } from 'agenttrail'

// What a person (or the model working for them) can do about each kind of refusal.
const ADVICE: Record<number, string> = {
  400: 'Check the arguments named above and call the tool again.',
  401: 'The API key was refused: check AGENTTRAIL_API_KEY (or --key) and that the key is not revoked.',
  403: 'The API key lacks the scope this needs; ask an admin for a key with that scope.',
  404: 'Nothing with that id in this org: check the id (search_events and query_logs list ids).',
  409: 'The request conflicts with the current state (shown above); look at it before retrying.',
  410: 'It has expired and can no longer be changed.',
  429: 'The server is rate limiting this key; wait a little and call again.',
}

/** A failed call as an MCP tool error: `isError: true` and a message that says what to do. */
export function toolError(error: unknown): CallToolResult {
  return { content: [{ type: 'text', text: describeError(error) }], isError: true }
}

/** The server's status, code and message, then what to do about it. No key, no payload. */
export function describeError(error: unknown): string {
  if (error instanceof AgentTrailError) {
    const status = error.status
    const advice =
      status === undefined
        ? error.code === 'network' || error.code === 'timeout'
          ? 'Could not reach the AgentTrail server: check that it runs and the URL (AGENTTRAIL_URL or --url).'
          : ''
        : (ADVICE[status] ??
          (status >= 500
            ? 'The server failed; try again, and look at its log if it persists.'
            : ''))
    let message = error.message.replace(/^AgentTrail: /, '')
    // The AgentLedger-compatible calls (pauseAgent...) end in the status alone: add the code.
    if (error.code && status !== undefined && message.endsWith(`(${status})`))
      message = `${message.slice(0, -1)} ${error.code})`
    return `${message}. ${advice}`.trim()
  }
  if (error instanceof ToolInputError) return error.message
  return `The tool failed: ${error instanceof Error ? error.message : String(error)}`
}

/** Arguments that pass the schema but not together (e.g. neither of two alternatives given). */
export class ToolInputError extends Error {
  override name = 'ToolInputError'
}
