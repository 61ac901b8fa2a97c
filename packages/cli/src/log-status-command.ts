import { commandFlags, printHelp } from './command-flags.js'
import { EXIT, usage } from './exit-codes.js'
import { withRemote } from './remote-client.js'
import { REMOTE_OPTIONS } from './remote-target.js'
import { safeJson, safeText } from './safe-text.js'

const OPTIONS = { ...REMOTE_OPTIONS, json: { type: 'boolean' } } as const

const HELP = `Usage: agenttrail log status [--json]

The org's tamper-evident log (GET /api/v1/log/status): how many events it holds against the
trail's highest seq, the latest signed checkpoint (size, root, when and how long ago), the
signing key id, and how many events no checkpoint covers yet. A checkpoint is signed about a
second after new events and hourly otherwise: an older one, or a growing lag, means the signer
has stopped.

  --json   the server's answer as JSON

Server: --url URL (AGENTTRAIL_URL), --key KEY (AGENTTRAIL_API_KEY), a key with the read scope.
Exit codes: 0 done, 2 bad flags, 3 server unreachable, 4 key refused.
`

/** `agenttrail log status`. */
export async function logStatusCommand(args: string[]): Promise<number> {
  const parsed = commandFlags(args, OPTIONS, 'log status')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(HELP)
  if (positionals.length > 0) return usage(`log status takes no "${positionals[0]}"`)
  return withRemote(flags, 'read', async ({ reader }) => {
    const s = await reader.logStatus()
    if (flags.json) {
      process.stdout.write(`${safeJson(s)}\n`)
      return EXIT.ok
    }
    const n = (v: number) => v.toLocaleString('en-US')
    const lines = [
      `Log:         ${n(s.tree_size)} events (trail seq ${n(s.trail_seq)}), ${n(s.lag_events)} not yet in a checkpoint`,
    ]
    const latest = s.latest_checkpoint
    if (latest) {
      const age = Math.max(0, Math.round((Date.now() - Date.parse(latest.created_at)) / 1000))
      lines.push(
        `Checkpoint:  ${n(latest.tree_size)} events, signed ${safeText(latest.created_at)} (${age} s ago)`,
        `Root:        ${safeText(latest.root_hash)}`,
      )
    } else lines.push('Checkpoint:  none signed yet')
    lines.push(`Signing key: ${s.key_id === null ? 'none yet' : safeText(s.key_id)}`)
    process.stdout.write(`${lines.join('\n')}\n`)
    return EXIT.ok
  })
}
