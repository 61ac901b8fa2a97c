import { TrailReader } from 'agenttrail'
import { EXIT, usage } from './exit-codes.js'
import { remoteFailure } from './remote-error.js'
import { remoteTarget } from './remote-target.js'
import type { RemoteTarget } from './remote-target.js'

/** A reader on the server the flags or the environment name, and where it points. */
export interface RemoteClient {
  reader: TrailReader
  target: RemoteTarget
}

/**
 * The reader of a remote command, or the exit code when the target is unusable (no key, a URL that
 * is not http(s): 2; a malformed key: 4). Requests time out after 30 s: a page of 1,000 full events
 * can take a while to read on a busy server.
 */
export function remoteClient(flags: { url?: string; key?: string }): RemoteClient | number {
  const target = remoteTarget(flags)
  if ('error' in target) return usage(target.error)
  try {
    const reader = new TrailReader({ ...target, timeout: 30_000, keyCheck: false })
    return { reader, target }
  } catch (error) {
    return remoteFailure(error, target, 'read')
  }
}

/**
 * Runs `body` against the server and maps what it throws to a message and an exit code (see
 * remote-error.ts). `scope` is the one the requests need, named when the server answers 403.
 */
export async function withRemote(
  flags: { url?: string; key?: string },
  scope: string,
  body: (client: RemoteClient) => Promise<number>,
): Promise<number> {
  const client = remoteClient(flags)
  if (typeof client === 'number') return client
  try {
    return await body(client)
  } catch (error) {
    return remoteFailure(error, client.target, scope)
  }
}

export { EXIT }
