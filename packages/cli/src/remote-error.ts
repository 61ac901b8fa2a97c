import { AgentTrailError } from 'agenttrail'
import { EXIT, exitWith } from './exit-codes.js'
import type { RemoteTarget } from './remote-target.js'

/**
 * Turns a failed request into a message that says what to do, and the exit code (docs/cli.md):
 * unreachable server 3; a key refused (401) or short of `scope` (403) 4; a request the server
 * rejects as malformed (400) 2; anything else 1. Errors that are not the SDK's are rethrown.
 */
export function remoteFailure(error: unknown, target: RemoteTarget, scope: string): number {
  if (!(error instanceof AgentTrailError)) throw error
  const said = serverSaid(error.message)
  if (error.code === 'network' || error.code === 'timeout')
    return exitWith(
      EXIT.unreachable,
      `could not reach the server at ${target.baseUrl} (${cause(error)}): is it running there? Point --url or AGENTTRAIL_URL at it`,
    )
  if (error.status === 401)
    return exitWith(
      EXIT.auth,
      `the server at ${target.baseUrl} refused the API key (401): it is wrong, revoked or of another server. Check --key or AGENTTRAIL_API_KEY, or create one with \`agenttrail keys create\``,
    )
  if (error.status === 403)
    return exitWith(
      EXIT.auth,
      `the API key lacks the "${scope}" scope this command needs (403). Use a key with ${scope} (\`agenttrail keys create --scopes ${scope}\`)${said}`,
    )
  if (error.status === 400)
    return exitWith(
      EXIT.usage,
      `the server rejected the request (400)${said || `: ${error.message}`}`,
    )
  if (error.status === 429)
    return exitWith(EXIT.failure, `the server is rate limiting this key (429); retry later${said}`)
  if (error.status !== undefined && error.status >= 500)
    return exitWith(
      EXIT.failure,
      `the server failed (${error.status}); its log says why, retry later${said}`,
    )
  return exitWith(EXIT.failure, error.message.replace(/^AgentTrail: /, ''))
}

// "AgentTrail: GET /api/v1/events failed (400 invalid_query): from: must be ..." → ": from: ...".
function serverSaid(message: string): string {
  const match = /failed \([^)]*\): (.*)$/s.exec(message)
  return match ? `: ${match[1]}` : ''
}

// The socket error's code (ECONNREFUSED, ENOTFOUND...) wherever fetch wrapped it; a timeout says so.
function cause(error: AgentTrailError): string {
  if (error.code === 'timeout') return 'timed out'
  let at: unknown = error.cause
  let said = /failed: (.*)$/.exec(error.message)?.[1] ?? 'no answer'
  for (let depth = 0; at !== undefined && at !== null && depth < 5; depth++) {
    const { code, errors } = at as { code?: unknown; errors?: unknown }
    if (typeof code === 'string') return code
    if (Array.isArray(errors) && typeof (errors[0] as { code?: unknown })?.code === 'string')
      return String((errors[0] as { code: string }).code)
    if (at instanceof Error) said = at.message
    at = (at as { cause?: unknown }).cause
  }
  return said
}
