import { randomBytes } from 'node:crypto'
import {
  enforcement,
  createApiKey,
  createLogger,
  createServices,
  loadConfig,
  openPostgresStore,
  openSqliteStore,
  withPresetLimits,
} from '@agenttrail/server'
import { freshDatabase } from './postgres.js'
import { createResponseCheck } from './response-check.js'
import type { Plan, Scope, Store, StreamHub } from '@agenttrail/server'

export interface TestApp {
  store: Store
  /** An admin key of org `org-a`. */
  adminKey: string
  /** A new key of `orgId`; `prefix` as the client expects (`al_` for the agentledger SDK). Default `at_`. */
  key(orgId: string, scopes: Scope[], prefix?: string): Promise<string>
  request(
    method: string,
    path: string,
    init?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<Response>
  json<T = any>(
    method: string,
    path: string,
    init?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T; headers: Headers }>
  /**
   * Changes an org's plan (default `org-a`) as the operator does (`agenttrail orgs plan`: preset
   * limits filled in, applied on the store), through this app's settings cache so it applies at once.
   */
  setPlan(change: Partial<Plan>, orgId?: string): Promise<Plan>
  /** The app's live streams (`GET /api/v1/stream`). */
  streams: StreamHub
  /** Sends a prepared Request (for streamed bodies). */
  raw(request: Request): Promise<Response>
  close(): Promise<void>
}

/** The stores every HTTP test runs against. */
export const DIALECTS = ['sqlite', 'postgres'] as const
export type Dialect = (typeof DIALECTS)[number]

/**
 * The real app on a real store (SQLite in memory, or a fresh PostgreSQL database), called in memory
 * (no socket). Every response is checked against its route's declared responses
 * (`response-check.ts`), so `/api/openapi.json` cannot drift from what the server answers.
 */
export async function createTestApp(
  overrides: Record<string, string> = {},
  dialect: Dialect = 'sqlite',
): Promise<TestApp> {
  const store =
    dialect === 'postgres'
      ? await openPostgresStore({ url: await freshDatabase(), enforce: enforcement })
      : openSqliteStore({ path: ':memory:', enforce: enforcement })
  const config = loadConfig({
    AGENTTRAIL_LOG_LEVEL: 'silent',
    AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0',
    // Stored secrets are sealed under this key, never a key file in the working directory.
    AGENTTRAIL_SECRET_KEY: randomBytes(32).toString('base64'),
    ...overrides,
  })
  const { app, committer, settings } = createServices(config, store, createLogger('silent'))
  const key = async (orgId: string, scopes: Scope[], prefix?: string) =>
    (await createApiKey(store.keys, { orgId, name: 'test', scopes, prefix })).key
  const adminKey = await key('org-a', ['admin'])
  const check = createResponseCheck(app.routes)
  const request: TestApp['request'] = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers }
    if (init.key !== undefined) headers.authorization = `Bearer ${init.key}`
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body))
    if (body !== undefined) headers['content-type'] ??= 'application/json'
    return Promise.resolve(app.hono.request(path, { method, headers, body })).then((res) =>
      check(method, path, res),
    )
  }
  return {
    store,
    adminKey,
    key,
    request,
    async json(method, path, init) {
      const res = await request(method, path, init)
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers }
    },
    setPlan: async (change, orgId = 'org-a') =>
      (await settings.update(orgId, { plan: withPresetLimits(change) })).plan,
    streams: app.streams,
    raw: (r) => Promise.resolve(app.hono.request(r)).then((res) => check(r.method, r.url, res)),
    async close() {
      app.streams.close()
      await committer.drain()
      await store.close()
    },
  }
}
