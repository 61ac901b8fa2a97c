import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, spawnServer, spawnUnreapedServer } from '../helpers/process.js'
import type { ServerProcess } from '../helpers/process.js'

const dirs: string[] = []
const running: ServerProcess[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-e2e-'))
  dirs.push(dir)
  return dir
}
const start = async (dir: string, env?: Record<string, string>) => {
  const server = await spawnServer(dir, env)
  running.push(server)
  return server
}

afterEach(() => {
  for (const s of running.splice(0)) if (s.proc.exitCode === null) s.proc.kill('SIGKILL')
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const post = (url: string, key: string, body: unknown) =>
  fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('the agenttrail process', () => {
  it('creates the default org and one admin key on first start, printed once', async () => {
    const dir = tempDir()
    const first = await start(dir)
    const key = /\n {2}(at_[A-Za-z0-9_-]{40})\n/.exec(first.stderr())?.[1]
    expect(key).toBeDefined()
    expect(first.stderr()).toMatch(/shown once/)
    const res = await post(first.url, key as string, { agent: 'x' })
    expect(res.status).toBe(201)
    first.proc.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    const second = await start(dir)
    expect(second.stderr()).not.toMatch(/at_[A-Za-z0-9_-]{40}/)
    expect((await post(second.url, key as string, {})).status).toBe(201)
  })

  it('creates exactly AGENTTRAIL_INIT_API_KEY in AGENTTRAIL_INIT_ORG when set', async () => {
    const key = 'al_scripted_setup_key_0123456789abcdef'
    const server = await start(tempDir(), {
      AGENTTRAIL_INIT_API_KEY: key,
      AGENTTRAIL_INIT_ORG: 'acme',
    })
    expect(server.stderr()).not.toContain(key)
    const created = await post(server.url, key, { agent: 'a' })
    const { id } = (await created.json()) as { id: string }
    const event = (await (
      await fetch(`${server.url}/api/v1/events/${id}`, { headers: { 'x-api-key': key } })
    ).json()) as { org_id: string }
    expect(event.org_id).toBe('acme')
    expect(server.stdout()).not.toContain(key)
  })

  it('finishes an in-flight request on SIGTERM, refuses new ones, and exits 0', async () => {
    const dir = tempDir()
    const key = 'at_graceful_shutdown_key_0123456789'
    const server = await start(dir, { AGENTTRAIL_INIT_API_KEY: key })
    const body = JSON.stringify({ agent: 'slow-client', input: 'x'.repeat(1_000) })
    const { port } = new URL(server.url)
    // Send the headers and half the body, so the request is in flight when the signal arrives.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/events',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = ''
          res.on('data', (d: Buffer) => (text += d.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        },
      )
      req.on('error', reject)
      req.write(body.slice(0, 500))
      setTimeout(() => {
        server.proc.kill('SIGTERM')
        setTimeout(() => req.end(body.slice(500)), 300)
      }, 300)
    })
    const res = await answer
    expect(res.status).toBe(201)
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
    expect(await server.exited).toBe(0)
    const again = await start(dir)
    const stored = await fetch(
      `${again.url}/api/v1/events/${(JSON.parse(res.body) as { id: string }).id}`,
      {
        headers: { 'x-api-key': key },
      },
    )
    expect(stored.status).toBe(200)
  })

  it('keeps every acknowledged event through a SIGKILL mid-ingest', async () => {
    const dir = tempDir()
    const key = 'at_crash_test_key_0123456789abcdef'
    const server = await start(dir, { AGENTTRAIL_INIT_API_KEY: key })
    const acknowledged: string[] = []
    let stop = false
    const client = async (c: number) => {
      for (let n = 0; !stop; n++) {
        try {
          const res = await post(server.url, key, {
            agent: `client-${c}`,
            n,
            input: { text: 'x'.repeat(200) },
          })
          if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id)
        } catch {
          return
        }
      }
    }
    const clients = Array.from({ length: 20 }, (_, c) => client(c))
    // Killed mid-stream once enough is acknowledged (a fixed wait saw too few on a loaded machine).
    const since = Date.now()
    while (acknowledged.length <= 150 && Date.now() - since < 20_000)
      await new Promise((r) => setTimeout(r, 50))
    server.proc.kill('SIGKILL')
    stop = true
    await Promise.all(clients)
    await server.exited
    expect(acknowledged.length).toBeGreaterThan(100)
    const restarted = await start(dir, { AGENTTRAIL_INIT_API_KEY: key })
    const stored = new Set<string>()
    let cursor: string | null = null
    do {
      const res = await fetch(
        `${restarted.url}/api/v1/events?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        {
          headers: { 'x-api-key': key },
        },
      )
      const page = (await res.json()) as {
        events: Array<{ id: string; seq: number }>
        next_cursor: string | null
      }
      for (const e of page.events) stored.add(e.id)
      cursor = page.next_cursor
    } while (cursor)
    const missing = acknowledged.filter((id) => !stored.has(id))
    expect(missing).toEqual([])
  })
})

// Each CLI command is a Node process that loads the server package (about 1 s of CPU); these tests
// run a dozen or more one after the other, so their limit is sized to that work on a loaded machine.
describe('agenttrail keys', { timeout: 180_000 }, () => {
  it('creates, lists, rotates and revokes keys in the data folder', async () => {
    const dir = tempDir()
    const created = runCli([
      'keys',
      'create',
      '--name',
      'ci',
      '--scopes',
      'ingest,read',
      '--prefix',
      'al_',
      '--org',
      'acme',
      '--data-dir',
      dir,
    ])
    expect(created.code).toBe(0)
    const key = created.stdout.trim().split('\n').pop() as string
    expect(key).toMatch(/^al_[A-Za-z0-9_-]{40}$/)
    const listed = runCli(['keys', 'list', '--data-dir', dir])
    expect(listed.stdout).toContain('acme\tci\t')
    expect(listed.stdout).not.toContain(key)
    const id = listed.stdout.split('\n')[1]?.split('\t')[0] as string

    const server = await start(dir)
    expect((await post(server.url, key, {})).status).toBe(201)

    const rotated = runCli(['keys', 'rotate', id, '--data-dir', dir])
    expect(rotated.code).toBe(0)
    const fresh = rotated.stdout.trim().split('\n').pop() as string
    expect(fresh).toMatch(/^al_/)
    expect((await post(server.url, key, {})).status).toBe(401)
    expect((await post(server.url, fresh, {})).status).toBe(201)

    const newId = runCli(['keys', 'list', '--org', 'acme', '--data-dir', dir])
      .stdout.trim()
      .split('\n')
      .pop()
      ?.split('\t')[0] as string
    expect(runCli(['keys', 'revoke', newId, '--data-dir', dir]).code).toBe(0)
    expect((await post(server.url, fresh, {})).status).toBe(401)
  })

  it('refuses bad input with a message and a non-zero exit', () => {
    const dir = tempDir()
    expect(runCli(['keys', 'create', '--data-dir', dir])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--name/),
    })
    expect(
      runCli(['keys', 'create', '--name', 'x', '--scopes', 'root', '--data-dir', dir]),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/scopes/),
    })
    expect(
      runCli(['keys', 'create', '--name', 'x', '--prefix', 'zz_', '--data-dir', dir]),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/prefix/),
    })
    expect(runCli(['keys', 'revoke', 'nope', '--data-dir', dir])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no active key/),
    })
    expect(runCli(['keys', 'fly', '--data-dir', dir]).code).toBe(2)
    expect(runCli(['serve', '--bogus']).code).toBe(2)
    expect(runCli(['serve', '--port', 'abc', '--data-dir', dir])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/AGENTTRAIL_PORT/),
    })
    expect(runCli(['launch']).code).toBe(2)
  })
})

describe('agenttrail backup', { timeout: 180_000 }, () => {
  it('copies the database consistently while the server runs, and the copy serves the same events', async () => {
    const dir = tempDir()
    const key = 'at_backup_test_key_0123456789abcdef'
    const server = await start(dir, { AGENTTRAIL_INIT_API_KEY: key })
    for (let i = 0; i < 20; i++) expect((await post(server.url, key, { n: i })).status).toBe(201)
    const copyDir = tempDir()
    const backup = runCli(['backup', join(copyDir, 'agenttrail.db'), '--data-dir', dir])
    expect(backup.code).toBe(0)
    expect(backup.stdout).toMatch(/Backed up/)
    expect(runCli(['backup', join(copyDir, 'agenttrail.db'), '--data-dir', dir])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/already exists/),
    })
    expect(runCli(['backup', '--data-dir', dir]).code).toBe(2)
    // The copy needs the log signing key, which lives beside the database, never in it.
    const keyless = runCli(['serve', '--port', '0', '--data-dir', copyDir])
    expect(keyless.code).toBe(2)
    expect(keyless.stderr).toMatch(
      /log-keys\/current\.pem does not exist, and the log already has a key/,
    )
    cpSync(join(dir, 'log-keys'), join(copyDir, 'log-keys'), { recursive: true })
    const restored = await start(copyDir)
    const page = (await (
      await fetch(`${restored.url}/api/v1/events?limit=100`, { headers: { 'x-api-key': key } })
    ).json()) as {
      events: Array<{ seq: number }>
    }
    expect(page.events.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    )
  })
})

describe('one server per data folder', () => {
  it('refuses a second live server on the same data folder with a clear message', async () => {
    const dir = tempDir()
    const first = await start(dir)
    const second = runCli(['serve', '--port', '0', '--data-dir', dir])
    expect(second.code).toBe(2)
    expect(second.stderr).toContain(
      `agenttrail: another AgentTrail server is using ${dir} (it holds agenttrail.lock); stop it or choose another --data-dir`,
    )
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200)
  }, 90_000)

  it('starts at once after a SIGKILL, every time, also while the killed server is not reaped yet', async () => {
    const dir = tempDir()
    const key = 'at_restart_test_key_0123456789abcdef'
    let victim = (await start(dir, { AGENTTRAIL_INIT_API_KEY: key })).proc.pid as number
    try {
      for (let round = 0; round < 8; round++) {
        process.kill(victim, 'SIGKILL')
        // No waiting for the exit: the restart comes at once. Every other restarted server has a
        // parent that never waits for it, so when the next round kills it, it stays a zombie, as a
        // killed process does until its supervisor reaps it.
        if (round % 2 === 0) {
          const restarted = await spawnUnreapedServer(dir)
          running.push(restarted)
          expect((await post(restarted.url, key, { round })).status).toBe(201)
          victim = restarted.serverPid
        } else {
          const restarted = await start(dir)
          expect((await post(restarted.url, key, { round })).status).toBe(201)
          victim = restarted.proc.pid as number
        }
      }
    } finally {
      process.kill(victim, 'SIGKILL')
    }
  }, 300_000)

  it('is not blocked by a pid left in the pid file of earlier versions or in the lock file', async () => {
    const dir = tempDir()
    // This test's own pid, and pid 1: both alive, neither a server.
    for (const [file, pid] of [
      ['agenttrail.pid', process.pid],
      ['agenttrail.pid', 1],
      ['agenttrail.lock', process.pid],
    ] as const) {
      writeFileSync(join(dir, file), `${pid}\n`)
      const server = await start(dir)
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
      server.proc.kill('SIGTERM')
      expect(await server.exited).toBe(0)
    }
  }, 120_000)
})
