/** Says what went wrong on stderr and gives the exit code: 2 for a usage mistake. */
export function usage(message: string): number {
  process.stderr.write(`agenttrail: ${message}\n`)
  return 2
}

/** Says what went wrong on stderr and gives the exit code: 1 for a failure. */
export function fail(message: string): number {
  process.stderr.write(`agenttrail: ${message}\n`)
  return 1
}
