// The real server for the benchmarks: `agenttrail serve` from the build, as a child process, so its
// event loop is its own and not the load generator's. Loopback only, port 0.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const CLI = join(ROOT, 'packages/cli/dist/main.js')

/** Runs `node <args>` and resolves with the process and its URL once it says "listening on". */
export function start(args, env = {}) {
  // The server's request log goes to /dev/null: it is still written, but nothing here reads it.
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', args[0].endsWith('bare-server.js') ? 'pipe' : 'ignore', 'pipe'],
  })
  let text = ''
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      text += d.toString()
      const m = /listening on (http:\/\/\S+)/.exec(text)
      if (m) resolve({ proc, url: m[1] })
    }
    proc.stdout?.on('data', onData)
    proc.stderr.on('data', onData)
    proc.once('exit', (code) => reject(new Error(`exited ${code}: ${text}`)))
  })
}

export async function stop(proc) {
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill('SIGTERM')
  await exited
}

/** The server's environment: its data folder or database, port 0, and the per-key limiter far above any load. */
export function serverEnv(dataDir, databaseUrl, initKey) {
  return {
    AGENTTRAIL_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(initKey ? { AGENTTRAIL_INIT_API_KEY: initKey } : {}),
    AGENTTRAIL_PORT: '0',
    // The limiter stays on (its cost is part of the measurement) but far above the load.
    AGENTTRAIL_RATE_LIMIT_PER_SECOND: '10000000',
    AGENTTRAIL_RATE_LIMIT_BURST: '10000000',
  }
}

/** A new, empty database `name` on the PostgreSQL server of `pgBase`; its URL. */
export async function freshDatabase(pgBase, name) {
  const pg = (await import('pg')).default
  const client = new pg.Client({ connectionString: pgBase })
  await client.connect()
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  const url = new URL(pgBase)
  url.pathname = `/${name}`
  return url.toString()
}
