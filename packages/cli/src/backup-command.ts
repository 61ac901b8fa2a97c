import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { backupSqlite, loadConfig } from '@agenttrail/server'

/** `agenttrail backup FILE`: a consistent copy of the embedded database, safe while the server runs. */
export async function backupCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'data-dir': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  const target = positionals[0]
  if (!target) {
    process.stderr.write(
      'agenttrail: backup needs a destination file, such as agenttrail backup ./agenttrail-2026-11-22.db\n',
    )
    return 2
  }
  if (existsSync(target)) {
    process.stderr.write(`agenttrail: ${target} already exists; choose a new file name\n`)
    return 2
  }
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { AGENTTRAIL_DATA_DIR: values['data-dir'] } : {}),
  })
  if (config.databaseUrl) {
    process.stderr.write(
      'agenttrail: backup copies the embedded database; for PostgreSQL use pg_dump (see docs/operations.md)\n',
    )
    return 2
  }
  const source = join(config.dataDir, 'agenttrail.db')
  if (!existsSync(source)) {
    process.stderr.write(`agenttrail: no database at ${source}\n`)
    return 1
  }
  const pages = await backupSqlite(source, resolve(target))
  process.stdout.write(`Backed up ${source} to ${resolve(target)} (${pages} pages).\n`)
  return 0
}
