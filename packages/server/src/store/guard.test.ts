import Database from 'better-sqlite3'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { freshDatabase } from '../../../../test/helpers/postgres.js'
import { createApiKey } from '../auth/api-keys.js'
import { StoreError } from '../app-error.js'
import { loadConfig } from '../config.js'
import { enforcement } from '../control/engine.js'
import { createLogger } from '../log.js'
import { createServices } from '../server.js'
import { guard } from './guard.js'
import { openPostgresStore } from './postgres/postgres-store.js'
import { openSqliteStore } from './sqlite/sqlite-store.js'
import type { Store } from './store.js'

const SECRET = 'sk_live_4f9a0c7e2b61d83a'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * Per dialect: a real store, and a real driver call that fails with a message quoting the bound
 * secret, with the driver's code for it.
 */
const DRIVERS = {
  postgres: {
    code: '22P02',
    async open() {
      const url = await freshDatabase()
      const store = await openPostgresStore({ url, enforce: enforcement })
      const pool = new pg.Pool({ connectionString: url, max: 1 })
      cleanups.push(
        () => store.close(),
        () => pool.end(),
      )
      // invalid input syntax for type bigint: "<the value>"
      const fail = () => pool.query('SELECT $1::bigint AS n', [SECRET])
      return { store, fail }
    },
  },
  sqlite: {
    code: 'SQLITE_ERROR',
    async open() {
      const store = openSqliteStore({ path: ':memory:', enforce: enforcement })
      const db = new Database(':memory:')
      cleanups.push(
        () => store.close(),
        () => db.close(),
      )
      // bad JSON path: '<the value>'
      const fail = () => db.prepare('SELECT json_extract(?, ?) AS v').get('{}', SECRET)
      return { store, fail: async () => fail() }
    },
  },
} as const

describe.each(['postgres', 'sqlite'] as const)('a driver error on %s', (dialect) => {
  const driver = DRIVERS[dialect]

  it('quotes the bound value in its own message (what the store must not pass on)', async () => {
    const { fail } = await driver.open()
    await expect(fail()).rejects.toMatchObject({
      code: driver.code,
      message: expect.stringContaining(SECRET),
    })
  })

  it('becomes a StoreError with the operation and the driver code, never the value', async () => {
    const { fail } = await driver.open()
    const error = await guard('events.get', fail)().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toBe(`store operation events.get failed (${driver.code})`)
    expect((error as StoreError).driverCode).toBe(driver.code)
    expect((error as StoreError).stack).not.toContain(SECRET)
  })

  it('reaches the server log and the client with its code, never the value', async () => {
    const { store, fail } = await driver.open()
    const lines: string[] = []
    const get = guard('events.get', async () => {
      await fail()
      return undefined
    })
    const failing: Store = { ...store, events: { ...store.events, get } }
    const config = loadConfig({ AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0' })
    const { app } = createServices(
      config,
      failing,
      createLogger('debug', (line) => lines.push(line)),
    )
    const { key } = await createApiKey(store.keys, { orgId: 'org-a', name: 't', scopes: ['read'] })
    const res = await app.hono.request('/api/v1/events/some-id', {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(res.status).toBe(500)
    expect(await res.text()).not.toContain(SECRET)
    const logged = lines.join('')
    const error = lines
      .map((line) => JSON.parse(line) as { msg: string; error?: Record<string, unknown> })
      .find((entry) => entry.msg === 'unhandled error')?.error
    expect(error).toMatchObject({
      name: 'StoreError',
      message: `store operation events.get failed (${driver.code})`,
      cause: { code: driver.code, frames: expect.stringMatching(/^\s+at /) },
    })
    expect(logged).not.toContain(SECRET)
  })
})
