import { usage } from './exit-codes.js'

type Command = (args: string[]) => Promise<number>

// Each subcommand's module is loaded when it runs: `rotate-key` opens the store (the server
// package, about a second to load); the others talk to a running server through the SDK.
const SUBCOMMANDS: Record<string, () => Promise<Command>> = {
  status: async () => (await import('./log-status-command.js')).logStatusCommand,
  proof: async () => (await import('./log-proof-command.js')).logProofCommand,
  export: async () => (await import('./log-export-command.js')).logExportCommand,
  'rotate-key': async () => (await import('./log-rotate-command.js')).logRotateCommand,
}

export const LOG_HELP = `Usage:
  agenttrail log status [--json]
  agenttrail log proof EVENT_ID [--tree-size N] [--log-key VKEY ...] [--json]
  agenttrail log export [--out FILE]
  agenttrail log rotate-key [--data-dir ./data] [--database-url postgres://...]

The org's tamper-evident log (docs/integrity.md).
  status      its size, the latest signed checkpoint and its age, the signing key, the lag
  proof       fetches an event's inclusion proof and checks it here: the checkpoint's Ed25519
              signature, the leaf, the Merkle path to the signed root; exit 1 when it fails
  export      downloads the verifiable export (JSONL) that \`agenttrail verify\` checks offline
  rotate-key  a new signing key, on the store with every server stopped (docs/operations.md)

status, proof and export talk to a running server: --url URL (AGENTTRAIL_URL, default
http://127.0.0.1:7878), --key KEY (AGENTTRAIL_API_KEY), a key with the read scope.
Run agenttrail log SUBCOMMAND --help for its flags.
Exit codes: 0 done, 1 failed (proof: not verified), 2 a usage mistake, 3 server unreachable, 4 key refused.
`

/** `agenttrail log SUBCOMMAND`: the integrity log's status, proofs, export and key rotation. */
export async function logCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub === '--help' || sub === '-h') {
    process.stdout.write(LOG_HELP)
    return 0
  }
  const load = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined
  if (!load)
    return usage(
      `${sub === undefined ? 'log needs a subcommand' : `log has no subcommand "${sub}"`}: status, proof, export or rotate-key (see agenttrail log --help)`,
    )
  if (sub === 'rotate-key' && rest.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(LOG_HELP)
    return 0
  }
  return (await load())(rest)
}
