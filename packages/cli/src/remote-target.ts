/** The options every command that talks to a running server takes, for `parseArgs`. */
export const REMOTE_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
} as const

/** Where a remote command sends its requests, and with which key. */
export interface RemoteTarget {
  baseUrl: string
  apiKey: string
}

/**
 * The server and key of the commands that talk to a running AgentTrail (`tail`, `events`, `export`,
 * `stats`, `agents`, `mcp`): `--url`, else `AGENTTRAIL_URL`, else `AGENTTRAIL_BASE_URL` (the SDK's
 * name), else http://127.0.0.1:7878; `--key`, else `AGENTTRAIL_API_KEY`. Returns a message for the
 * user instead when the key is missing or the URL is not http(s).
 */
export function remoteTarget(
  flags: { url?: string; key?: string },
  env: Record<string, string | undefined> = process.env,
): RemoteTarget | { error: string } {
  const baseUrl = (
    flags.url ||
    env.AGENTTRAIL_URL ||
    env.AGENTTRAIL_BASE_URL ||
    'http://127.0.0.1:7878'
  ).replace(/\/+$/, '')
  const apiKey = flags.key || env.AGENTTRAIL_API_KEY || ''
  let protocol: string
  try {
    protocol = new URL(baseUrl).protocol
  } catch {
    return { error: `the server URL "${baseUrl}" is not a URL (give --url or AGENTTRAIL_URL)` }
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    return { error: `the server URL must start with http:// or https:// (got "${baseUrl}")` }
  if (apiKey === '')
    return {
      error:
        'no API key: give --key KEY or set AGENTTRAIL_API_KEY (create one with `agenttrail keys create`)',
    }
  return { baseUrl, apiKey }
}
