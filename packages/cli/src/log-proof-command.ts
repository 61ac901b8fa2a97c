import { AgentTrailError } from 'agenttrail'
import { commandFlags, printHelp, wholeNumber } from './command-flags.js'
import { EXIT, exitWith, usage } from './exit-codes.js'
import { withRemote } from './remote-client.js'
import { REMOTE_OPTIONS } from './remote-target.js'
import { safeJson, safeText } from './safe-text.js'

const OPTIONS = {
  ...REMOTE_OPTIONS,
  'tree-size': { type: 'string' },
  'log-key': { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const

const HELP = `Usage: agenttrail log proof EVENT_ID [--tree-size N] [--log-key VKEY ...] [--json]

Proves that an event is in the org's tamper-evident log as committed: fetches its inclusion proof
(GET /api/v1/events/{id}/proof) and checks it here, not on the server: the checkpoint's Ed25519
signature (and its key's validity window), that the leaf is this event, and the RFC 9162 Merkle
path from the leaf to the signed root.

  --tree-size N    prove it in the checkpoint of N events (default the latest)
  --log-key VKEY   a verifier key of the log pinned out of band (repeat for rotated keys); without
                   it the keys the server publishes are used, which shows the log is consistent
                   with itself but not that its operator is honest
  --json           the verdict as JSON

Server: --url URL (AGENTTRAIL_URL), --key KEY (AGENTTRAIL_API_KEY), a key with the read scope.
Exit codes: 0 verified, 1 not verified (or no checkpoint covers it yet), 2 bad flags,
3 server unreachable, 4 key refused.
`

/** `agenttrail log proof EVENT_ID`: exit 0 only when the proof verifies. */
export async function logProofCommand(args: string[]): Promise<number> {
  const parsed = commandFlags(args, { ...OPTIONS }, 'log proof')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(HELP)
  const [id, extra] = positionals
  if (id === undefined || extra !== undefined) return usage('log proof needs one event id')
  const treeSize =
    flags['tree-size'] === undefined
      ? undefined
      : wholeNumber(flags['tree-size'], 1, Number.MAX_SAFE_INTEGER)
  if (flags['tree-size'] !== undefined && treeSize === undefined)
    return usage('--tree-size must be a whole number of at least 1')
  const keys = (flags as { 'log-key'?: string[] })['log-key']
  return withRemote(flags, 'read', async ({ reader }) => {
    let verdict
    try {
      verdict = await reader.verifyEvent(id, { keys, treeSize })
    } catch (error) {
      if (error instanceof AgentTrailError && error.status === 404)
        return exitWith(EXIT.failure, error.message.replace(/^.*?\): /, ''))
      throw error
    }
    if (flags.json) process.stdout.write(`${safeJson({ event_id: id, ...verdict })}\n`)
    else if (verdict.verified) {
      const c = verdict.checkpoint
      process.stdout.write(
        `Verified: event ${safeText(id)} is leaf ${verdict.leaf_index} of ${safeText(c?.origin ?? '')}\n` +
          `  under the checkpoint of ${c?.tree_size} events, root ${safeText(c?.root_hash ?? '')},\n` +
          `  signed ${safeText(c?.signed_at ?? '(no time)')} by key ${safeText(c?.key_id ?? '')} (${verdict.keys} keys)\n`,
      )
    }
    if (verdict.verified) return EXIT.ok
    return exitWith(
      EXIT.failure,
      `NOT verified: event ${safeText(id)}: ${safeText(verdict.problem ?? '')}`,
    )
  })
}
