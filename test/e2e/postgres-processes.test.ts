import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freshDatabase } from '../helpers/postgres.js'
import { spawnServer } from '../helpers/process.js'
import type { ServerProcess } from '../helpers/process.js'

const running: ServerProcess[] = []
const dirs: string[] = []
afterAll(() => {
  for (const s of running) if (s.proc.exitCode === null) s.proc.kill('SIGKILL')
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const KEY = 'at_two_servers_one_database_0123456789'
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }

async function twoServers(env: Record<string, string> = {}) {
  const url = await freshDatabase()
  const both = await Promise.all(
    [0, 1].map(() => {
      const dir = mkdtempSync(join(tmpdir(), 'agenttrail-pg-e2e-'))
      dirs.push(dir)
      return spawnServer(dir, { DATABASE_URL: url, AGENTTRAIL_INIT_API_KEY: KEY, ...env })
    }),
  )
  running.push(...both)
  return both as [ServerProcess, ServerProcess]
}

describe('two servers on one PostgreSQL', () => {
  it('start together, read each other’s events, and keep each org’s seq gap-free and unique', async () => {
    const [a, b] = await twoServers()
    const one = await fetch(`${a.url}/api/v1/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ agent: 'via-a', title: 'hello from a' }),
    })
    const { id } = (await one.json()) as { id: string }
    const seen = await fetch(`${b.url}/api/v1/events/${id}`, { headers })
    expect(seen.status).toBe(200)
    expect(((await seen.json()) as { agent: string }).agent).toBe('via-a')

    const posts = Array.from({ length: 200 }, (_, n) =>
      fetch(`${(n % 2 ? a : b).url}/api/v1/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ n }),
      }).then(async (r) => {
        expect(r.status).toBe(201)
        return ((await r.json()) as { seq: number }).seq
      }),
    )
    const seqs = [1, ...(await Promise.all(posts))].sort((x, y) => x - y)
    expect(seqs).toEqual(Array.from({ length: 201 }, (_, i) => i + 1))
    const stats = (await (await fetch(`${a.url}/api/v1/stats?days=1`, { headers })).json()) as {
      totals: { events: number }
    }
    expect(stats.totals.events).toBe(201)
  })

  it('share one rate limit per key', async () => {
    const [a, b] = await twoServers({
      AGENTTRAIL_RATE_LIMIT_PER_SECOND: '1',
      AGENTTRAIL_RATE_LIMIT_BURST: '6',
    })
    const statuses: number[] = []
    for (let i = 0; i < 10; i++)
      statuses.push(
        (await fetch(`${(i % 2 ? a : b).url}/api/v1/events?limit=1`, { headers })).status,
      )
    // Six tokens in all, not six per server (a token may come back during the loop).
    const allowed = statuses.filter((s) => s === 200).length
    expect(allowed).toBeGreaterThanOrEqual(6)
    expect(allowed).toBeLessThanOrEqual(7)
    expect(statuses.filter((s) => s === 429).length).toBe(10 - allowed)
  })

  it('decide as one: a rate limit and a budget hold exactly across both servers, and a pause on one stops the other', async () => {
    const [a, b] = await twoServers()
    const post = (url: string, path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then(
        async (r) => ({
          status: r.status,
          body: (await r.json()) as Record<string, unknown>,
        }),
      )
    expect(
      (
        await post(a.url, '/api/v1/policies', {
          agent_name: 'paced',
          rule_type: 'rate_limit',
          rule_config: { max_actions: 7, window_seconds: 600 },
        })
      ).status,
    ).toBe(201)
    expect(
      (
        await post(b.url, '/api/v1/budgets', {
          agent_name: 'frugal',
          period: 'daily',
          max_actions: 9,
        })
      ).status,
    ).toBe(201)
    for (const agent of ['paced', 'frugal']) {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, n) =>
          post((n % 2 ? a : b).url, '/api/v1/check', { agent, service: 's', action: 'a' }),
        ),
      )
      expect(answers.filter((x) => x.body.allowed === true)).toHaveLength(agent === 'paced' ? 7 : 9)
    }
    // Actions reported after the fact count on whichever server receives them.
    const reported = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        post((n % 2 ? a : b).url, '/api/v1/actions', {
          agent: 'frugal',
          service: 'x',
          action: 'y',
        }),
      ),
    )
    expect(reported.every((r) => r.status === 403 && r.body.logged === true)).toBe(true)
    expect((await post(a.url, '/api/v1/agents/paced/pause', {})).body.status).toBe('paused')
    expect((await post(b.url, '/api/v1/check', { agent: 'paced' })).body).toMatchObject({
      allowed: false,
      blockReason: 'Agent is paused',
    })
  })
})
