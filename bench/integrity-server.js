// The server for the integrity A/B (bench/integrity-bench.js): `agenttrail serve` as the CLI runs
// it, except that the store is opened here with the Merkle log on or off (`BENCH_INTEGRITY=off`), a
// store option the benchmark alone uses (there is no configuration variable for it: the log is
// always on). Prints "listening on <url>" like the CLI; SIGTERM shuts it down.
import { join } from 'node:path'
import {
  enforcement,
  loadConfig,
  openPostgresStore,
  openSqliteStore,
  startServer,
} from '../packages/server/dist/index.js'

const log = process.env.BENCH_INTEGRITY !== 'off'
const config = loadConfig(process.env)
const store = config.databaseUrl
  ? await openPostgresStore({
      url: config.databaseUrl,
      poolSize: config.databasePoolSize,
      enforce: enforcement,
      log,
    })
  : openSqliteStore({ path: join(config.dataDir, 'agenttrail.db'), enforce: enforcement, log })
const server = await startServer(config, { store })
process.stderr.write(
  `AgentTrail is listening on ${server.url} (integrity log ${log ? 'on' : 'off'})\n`,
)
const stop = () => server.close().then(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
