import { parseArgs } from 'node:util'
import { loadConfig, rotateLogKeyOffline } from '@agenttrail/server'
import { usage } from './exit-codes.js'

/**
 * `agenttrail log rotate-key`: a new signing key for the integrity log, on the store directly
 * with its servers stopped (see docs/operations.md).
 */
export async function logCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values } = parseArgs({
    args: rest,
    options: { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } },
    strict: true,
  })
  if (sub !== 'rotate-key') return usage('log needs a subcommand: agenttrail log rotate-key')
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { AGENTTRAIL_DATA_DIR: values['data-dir'] } : {}),
    ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
  })
  const r = await rotateLogKeyOffline(config)
  if (r.from === null) {
    process.stdout.write(
      `The log had no signing key: ${r.to.slice(0, 16)} signs from ${new Date(r.at).toISOString()}.\n`,
    )
    return 0
  }
  process.stdout.write(
    `Rotated the log signing key at ${new Date(r.at).toISOString()}: ${r.from.slice(0, 16)} retired (kept as ${r.retiredFile ?? ''}), ${r.to.slice(0, 16)} signs from now on; ${r.orgs} org logs record it.\n` +
      'With PostgreSQL, give every server the new key file before starting it.\n',
  )
  return 0
}
