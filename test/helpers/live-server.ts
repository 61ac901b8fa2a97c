import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  enforcement,
  createApiKey,
  createLogger,
  loadConfig,
  openPostgresStore,
  openSqliteStore,
  startServer,
} from '@agenttrail/server'
import type { RunningServer, Scope } from '@agenttrail/server'
import { freshDatabase } from './postgres.js'
import type { Dialect } from './test-app.js'

export interface LiveServer {
  url: string
  server: RunningServer
  /** A new key; `secret` makes it that exact key, as `AGENTTRAIL_INIT_API_KEY` does. */
  key(orgId: string, scopes: Scope[], prefix?: string, secret?: string): Promise<string>
  close(): Promise<void>
}

/**
 * The real server listening on 127.0.0.1 port 0, in this process, on SQLite in memory or a fresh
 * PostgreSQL database: for clients that speak HTTP (published SDKs, provider libraries).
 */
export async function startLiveServer(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<LiveServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agenttrail-live-'))
  const store =
    dialect === 'postgres'
      ? await openPostgresStore({ url: await freshDatabase(), enforce: enforcement })
      : openSqliteStore({ path: ':memory:', enforce: enforcement })
  const config = loadConfig({
    AGENTTRAIL_PORT: '0',
    AGENTTRAIL_HOST: '127.0.0.1',
    AGENTTRAIL_DATA_DIR: dataDir,
    AGENTTRAIL_LOG_LEVEL: 'silent',
    AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0',
    ...env,
  })
  const server = await startServer(config, {
    store,
    logger: createLogger('silent'),
    announce: () => {},
  })
  return {
    url: server.url,
    server,
    key: async (orgId, scopes, prefix, secret) =>
      (await createApiKey(store.keys, { orgId, name: 'test', scopes, prefix, secret })).key,
    async close() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
