// `agenttrail verify` runs where an auditor works: it loads Node's built-ins and the integrity
// subpath of @agenttrail/protocol only (scripts/check-imports.mjs keeps it so), never the server.
import { createReadStream, openSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseKeysFile, trustedKey, verifyExport } from '@agenttrail/protocol/integrity'
import type { TrustedKeyInput, VerifyReport } from '@agenttrail/protocol/integrity'
import { commandFlags, printHelp } from './command-flags.js'
import { EXIT, exitWith, usage } from './exit-codes.js'
import { safeJson, safeText } from './safe-text.js'

const OPTIONS = {
  'keys-file': { type: 'string' },
  key: { type: 'string', multiple: true },
  'pinned-checkpoint': { type: 'string' },
  json: { type: 'boolean' },
} as const

export const VERIFY_HELP = `Usage: agenttrail verify FILE|- [--keys-file F] [--key VKEY]... [--pinned-checkpoint F] [--json]

Verifies a verifiable export (GET /api/v1/log/export) offline, with no server and no database:
every event against its leaf, every erasure against its tombstone, the tree against every
signed checkpoint, the consistency between checkpoints, and the checkpoints' signatures.

  FILE                     the export (JSONL); - reads stdin
  --keys-file F            trusted keys: the JSON of /.well-known/agenttrail/log-keys, or one
                           verifier key per line. Take them from the server, not from the export.
  --key VKEY               a trusted verifier key (name+keyid+base64); may be repeated
  --pinned-checkpoint F    a checkpoint note saved earlier: the export must extend it
  --json                   print the report as JSON

Without --keys-file or --key the export's own keys are used, with a warning: that proves the
export agrees with itself, not who signed it.
Exit codes: 0 intact, 5 intact with warnings, 1 an integrity failure (or an unreadable file),
2 a usage mistake.
`

/** `agenttrail verify`: the report on stdout; the exit code says intact, warnings or failed. */
export async function verifyCommand(args: string[]): Promise<number> {
  const parsed = commandFlags(args, OPTIONS, 'verify')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(VERIFY_HELP)
  if (positionals.length !== 1)
    return usage('verify takes one FILE (or - for stdin); see `agenttrail verify --help`')
  const file = positionals[0] as string
  const keys: TrustedKeyInput[] = []
  let pinnedCheckpoint: string | undefined
  try {
    if (flags['keys-file'] !== undefined)
      keys.push(...parseKeysFile(readFileSync(flags['keys-file'], 'utf8')))
    for (const vkey of (flags.key as unknown as string[] | undefined) ?? []) keys.push({ vkey })
    if (flags['pinned-checkpoint'] !== undefined)
      pinnedCheckpoint = readFileSync(flags['pinned-checkpoint'], 'utf8')
    for (const key of keys) trustedKey(key)
  } catch (error) {
    return usage(readable(error))
  }
  let fd: number | undefined
  try {
    if (file !== '-') fd = openSync(file, 'r')
  } catch (error) {
    return exitWith(EXIT.failure, readable(error))
  }
  const input = fd === undefined ? process.stdin : createReadStream('', { fd })
  let report: VerifyReport
  try {
    const lines = createInterface({ input, crlfDelay: Infinity })
    report = await verifyExport(lines, {
      ...(keys.length > 0 ? { keys } : {}),
      ...(pinnedCheckpoint !== undefined ? { pinnedCheckpoint } : {}),
    })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string') return exitWith(EXIT.failure, readable(error))
    return usage(readable(error))
  }
  process.stdout.write(flags.json ? `${safeJson(report, 2)}\n` : humanReport(report, file))
  return report.status === 'intact'
    ? EXIT.ok
    : report.status === 'warnings'
      ? EXIT.warnings
      : EXIT.failure
}

/** A file error as `cannot read F: reason`; any other error's message. */
function readable(error: unknown): string {
  const e = error as { code?: unknown; path?: unknown; message?: unknown }
  if (e.code === 'ENOENT' && typeof e.path === 'string') return `no such file: ${e.path}`
  if (typeof e.code === 'string' && typeof e.path === 'string')
    return `cannot read ${e.path} (${e.code})`
  return String(e.message ?? error)
}

const ERASURES_SHOWN = 10
const STATUS = { intact: 'INTACT', warnings: 'INTACT, with warnings', failed: 'FAILED' }

function humanReport(r: VerifyReport, file: string): string {
  const out = [`${safeText(file === '-' ? 'stdin' : file)}: ${STATUS[r.status]}`]
  out.push(
    `  log ${safeText(r.origin ?? '(no origin)')}: ${r.entries} events (${r.erased} erased), ` +
      `${r.checkpoints} checkpoints, verified up to size ${r.verified_size}`,
  )
  // A long retention history has a tombstone per run: the first few, then a count.
  for (const e of r.erasures.slice(0, ERASURES_SHOWN))
    out.push(
      `  erased lawfully under tombstone ${e.tombstone_seq}: ${e.events} events` +
        (e.fields.length > 0 ? ` (fields ${e.fields.map((f) => safeText(f)).join(', ')})` : ''),
    )
  if (r.erasures.length > ERASURES_SHOWN) {
    const rest = r.erasures.slice(ERASURES_SHOWN)
    const events = rest.reduce((n, e) => n + e.events, 0)
    out.push(`  ... and ${rest.length} more tombstones erasing ${events} events (see --json)`)
  }
  for (const p of r.problems) {
    const where =
      p.seq !== undefined ? `seq ${p.seq}` : p.tree_size !== undefined ? `size ${p.tree_size}` : ''
    out.push(
      `  ${p.severity.padEnd(7)} ${p.code.padEnd(30)} ${where.padEnd(12)} ${safeText(p.message)}`,
    )
  }
  if (r.problems_omitted > 0) out.push(`  ... and ${r.problems_omitted} more problems (see --json)`)
  const rate = r.elapsed_ms > 0 ? Math.round((r.entries / r.elapsed_ms) * 1000) : r.entries
  out.push(`  checked in ${(r.elapsed_ms / 1000).toFixed(2)} s (${rate} events/s)`)
  return `${out.join('\n')}\n`
}
