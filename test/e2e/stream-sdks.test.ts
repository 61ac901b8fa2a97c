import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AgentLedger } from 'agentledger'
import pg from 'pg'
import { AgentTrail } from 'agenttrail'
import { afterEach, describe, expect, it } from 'vitest'
import { createApiKey, createLogger, loadConfig, openStore, startServer } from '@agenttrail/server'
import type { RunningServer, Scope } from '@agenttrail/server'
import { newEvent } from '../helpers/events.js'
import { freshDatabase } from '../helpers/postgres.js'
import { DIALECTS } from '../helpers/test-app.js'
import type { Dialect } from '../helpers/test-app.js'

type Json = Record<string, any>

/** Waits for `done()`, running `step` (if any) between looks; fails after `timeoutMs`. */
async function until(done: () => boolean, step?: () => Promise<unknown>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await step?.()
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * A real server on a data folder (SQLite file) or a PostgreSQL database that outlives it, so it can
 * be stopped and started again on the same port, as an operator restarts one.
 */
async function durableServer(dialect: Dialect, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'agenttrail-stream-'))
  const databaseUrl = dialect === 'postgres' ? await freshDatabase() : undefined
  const config = (port: number) =>
    loadConfig({
      AGENTTRAIL_PORT: String(port),
      AGENTTRAIL_HOST: '127.0.0.1',
      AGENTTRAIL_DATA_DIR: dataDir,
      AGENTTRAIL_LOG_LEVEL: 'silent',
      AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0',
      ...(databaseUrl !== undefined && { DATABASE_URL: databaseUrl }),
      ...env,
    })
  const running: RunningServer[] = []
  const start = async (port = 0) => {
    const server = await startServer(config(port), {
      logger: createLogger('silent'),
      announce: () => {},
    })
    running.push(server)
    return server
  }
  return {
    start,
    config,
    async close() {
      await Promise.all(running.map((s) => s.close()))
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

describe.each(DIALECTS)('live streams through the published SDKs (%s)', (dialect) => {
  let cleanup: Array<() => unknown> = []
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn()
    cleanup = []
  })

  const setUp = async () => {
    const durable = await durableServer(dialect)
    cleanup.push(() => durable.close())
    const server = await durable.start()
    const key = async (scopes: Scope[]) =>
      (await createApiKey(server.store.keys, { orgId: 'org-s', name: 't', scopes, prefix: 'al_' }))
        .key
    const keys = {
      read: await key(['read']),
      ingest: await key(['ingest']),
      control: await key(['control']),
    }
    const call = async (url: string, key: string, method: string, path: string, body?: Json) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body && { body: JSON.stringify(body) }),
      })
      return { status: res.status, body: (await res.json()) as Json }
    }
    const log = async (url: string, action: string) => {
      const res = await call(url, keys.ingest, 'POST', '/api/v1/events', {
        agent: 'bot',
        kind: 'action',
        service: 'svc',
        action,
      })
      expect(res.status).toBe(201)
      return res.body.seq as number
    }
    return { durable, server, keys, call, log }
  }

  it('agentledger stream() receives action.new and alert.new, and keeps receiving after a restart on the same port', async () => {
    const { durable, server, keys, call, log } = await setUp()
    const actions: Json[] = []
    const alerts: Json[] = []
    const handle = new AgentLedger({
      apiKey: keys.read,
      baseUrl: server.url,
      onError: () => {},
    }).stream({
      events: ['action.new', 'alert.new'],
      onAction: (a) => actions.push(a),
      onAlert: (a) => alerts.push(a),
    })
    cleanup.push(() => handle.close())
    // Connected once an action logged now arrives.
    await until(
      () => actions.length > 0,
      () => log(server.url, 'probe'),
    )
    expect(actions[0]).toMatchObject({ org_id: 'org-s', agent_name: 'bot', service: 'svc' })
    expect((await call(server.url, keys.control, 'POST', '/api/v1/agents/rogue/kill')).status).toBe(
      200,
    )
    await until(() => alerts.length > 0)
    expect(alerts[0]).toMatchObject({ agent_name: 'rogue', alert_type: 'agent_killed' })

    await server.close()
    const again = await durable.start(server.port)
    expect(again.url).toBe(server.url)
    const seq = await log(again.url, 'after-restart')
    await until(() => actions.some((a) => a.action === 'after-restart'))
    expect(actions.filter((a) => a.action === 'after-restart')).toHaveLength(1)
    expect(seq).toBeGreaterThan(0)
  }, 60_000)

  it('the native SDK receives actions and alerts, and after a restart exactly the events it missed', async () => {
    const { durable, server, keys, call, log } = await setUp()
    const seen: Array<{ type: string; id: number; data: Json }> = []
    const handle = new AgentTrail({
      apiKey: keys.read,
      baseUrl: server.url,
      flushOnExit: false,
      onError: () => {},
    }).stream({
      reconnectDelayMs: 100,
      onEvent: (type, data, id) => seen.push({ type, id: Number(id), data: data as Json }),
    })
    cleanup.push(() => handle.close())
    await until(
      () => seen.length > 0,
      () => log(server.url, 'probe'),
    )
    expect((await call(server.url, keys.control, 'POST', '/api/v1/agents/rogue/kill')).status).toBe(
      200,
    )
    await until(() => seen.some((s) => s.type === 'alert.new'))
    const before = seen.length

    // Down: events committed while no server runs reach the client only by replay.
    await server.close()
    const store = await openStore(durable.config(0))
    const missed = await store.events.append(
      ['m1', 'm2', 'm3'].map((action) => ({
        orgId: 'org-s',
        event: newEvent({ agent: 'bot', kind: 'action', service: 'svc', action }),
      })),
    )
    await store.close()
    const again = await durable.start(server.port)
    await until(() => seen.length >= before + 3)
    const live = await log(again.url, 'live')
    await until(() => seen.length >= before + 4)
    expect(seen.slice(before).map((s) => s.id)).toEqual([...missed.map((m) => m.seq), live])
    expect(seen.slice(before).map((s) => s.data.action)).toEqual(['m1', 'm2', 'm3', 'live'])
    const ids = seen.map((s) => s.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
  }, 60_000)
})

describe('live streams across servers on one PostgreSQL database', () => {
  it('a client of server A receives what server B commits, also after A lost its LISTEN connection', async () => {
    const durable = await durableServer('postgres', { AGENTTRAIL_STREAM_POLL_MS: '200' })
    try {
      const a = await durable.start()
      const b = await durable.start()
      const read = (
        await createApiKey(a.store.keys, { orgId: 'org-x', name: 'r', scopes: ['read'] })
      ).key
      const admin = (
        await createApiKey(b.store.keys, { orgId: 'org-x', name: 'w', scopes: ['admin'] })
      ).key
      const post = async (path: string, body?: Json) =>
        fetch(`${b.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          ...(body && { body: JSON.stringify(body) }),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as Json }))
      const seen: Array<{ type: string; id: number; data: Json }> = []
      const handle = new AgentTrail({
        apiKey: read,
        baseUrl: a.url,
        flushOnExit: false,
        onError: () => {},
      }).stream({
        onEvent: (type, data, id) => seen.push({ type, id: Number(id), data: data as Json }),
      })
      try {
        const log = (action: string) =>
          post('/api/v1/events', { agent: 'bot', kind: 'action', service: 'svc', action })
        await until(
          () => seen.length > 0,
          () => log('probe'),
        )
        expect((await post('/api/v1/agents/rogue/kill')).status).toBe(200)
        await until(() => seen.some((s) => s.type === 'alert.new'))

        // Server A's LISTEN connection dies; its fallback poll covers the commit it misses.
        const superuser = new pg.Client({ connectionString: durable.config(0).databaseUrl })
        await superuser.connect()
        const killed = await superuser.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'agenttrail-stream' AND datname = current_database()",
        )
        await superuser.end()
        expect(killed.rowCount).toBeGreaterThan(0)
        const sent = (await log('after-listen-lost')).body.seq as number
        await until(() => seen.some((s) => s.id === sent))
        const ids = seen.map((s) => s.id)
        expect(new Set(ids).size).toBe(ids.length)
      } finally {
        handle.close()
      }
    } finally {
      await durable.close()
    }
  }, 60_000)
})
