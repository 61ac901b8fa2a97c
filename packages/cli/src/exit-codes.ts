/**
 * The exit codes of every command (docs/cli.md, "Exit codes"): 0 done, 1 failed, 2 a usage mistake
 * (a bad flag or value, or a query the server rejects as malformed), 3 the server could not be
 * reached, 4 the server refused the key (wrong, revoked, or without the scope needed), 5 done
 * with warnings (`verify`: the export is intact, but something limits what that proves).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, unreachable: 3, auth: 4, warnings: 5 } as const

/** Says what went wrong on stderr and gives the exit code: 2 for a usage mistake. */
export function usage(message: string): number {
  process.stderr.write(`agenttrail: ${message}\n`)
  return EXIT.usage
}

/** Says what went wrong on stderr and gives the exit code: 1 for a failure. */
export function fail(message: string): number {
  process.stderr.write(`agenttrail: ${message}\n`)
  return EXIT.failure
}

/** Says what went wrong on stderr and gives `code`. */
export function exitWith(code: number, message: string): number {
  process.stderr.write(`agenttrail: ${message}\n`)
  return code
}
