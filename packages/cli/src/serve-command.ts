import { parseArgs } from 'node:util'
import { loadConfig, startServer } from '@agenttrail/server'
import type { Config } from '@agenttrail/server'

/** `agenttrail serve`: runs until SIGTERM or SIGINT, then shuts down gracefully and exits 0. */
export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string' },
      'database-url': { type: 'string' },
    },
    strict: true,
  })
  const env = {
    ...process.env,
    ...(values.port !== undefined ? { AGENTTRAIL_PORT: values.port } : {}),
    ...(values.host !== undefined ? { AGENTTRAIL_HOST: values.host } : {}),
    ...(values['data-dir'] !== undefined ? { AGENTTRAIL_DATA_DIR: values['data-dir'] } : {}),
    ...(values['log-level'] !== undefined ? { AGENTTRAIL_LOG_LEVEL: values['log-level'] } : {}),
    ...(values['database-url'] !== undefined ? { DATABASE_URL: values['database-url'] } : {}),
  }
  const config: Config = loadConfig(env)
  const server = await startServer(config)
  const where = config.databaseUrl ? 'data in PostgreSQL' : `data in ${config.dataDir}`
  process.stderr.write(`AgentTrail is listening on ${server.url} (${where})\n`)
  await new Promise<void>((resolve) => {
    let signalled = false
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        process.stderr.write(`${signal} again: exiting now\n`)
        process.exit(1)
      }
      signalled = true
      server.close().then(resolve, (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`)
        process.exit(1)
      })
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
  return 0
}
