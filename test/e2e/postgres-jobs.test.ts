import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
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

const KEY = 'at_two_servers_maintenance_0123456789'
const DAY_MS = 86_400_000
const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS
const dayOf = (daysAgo: number) => new Date(TODAY - daysAgo * DAY_MS).toISOString().slice(0, 10)
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-jobs-e2e-'))
  dirs.push(dir)
  return dir
}

/** Two servers on one fresh database, passes every second; `shared`: one data folder for both. */
async function twoServers(shared: boolean) {
  const url = await freshDatabase()
  const folder = tempDir()
  const env = {
    DATABASE_URL: url,
    AGENTTRAIL_INIT_API_KEY: KEY,
    AGENTTRAIL_JOB_INTERVAL_MS: '1000',
  }
  const first = await spawnServer(shared ? folder : tempDir(), env)
  const second = await spawnServer(shared ? folder : tempDir(), env)
  running.push(first, second)
  return [first, second] as const
}

const wiro = async (server: ServerProcess, path: string, body: object) => {
  const res = await fetch(`${server.url}/v1/UserAgent/${path}`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return (await res.json()) as any
}

/** The agent's archive folder under a server's data folder (`--data-dir` of spawnServer). */
const archiveDir = (server: ServerProcess, guid: string) =>
  join(String(server.proc.spawnargs.at(-1)), 'archives', 'default', guid)
/** The day files in it (not the temporary file of a write in progress). */
const filesOf = (server: ServerProcess, guid: string) =>
  existsSync(archiveDir(server, guid))
    ? readdirSync(archiveDir(server, guid))
        .filter((f) => !f.endsWith('.tmp'))
        .sort()
    : []
/** Whether the server's last archive pass led (its log line says). */
const led = (server: ServerProcess) =>
  [...server.stdout().matchAll(/"msg":"archive pass","leading":(true|false)/g)].at(-1)?.[1] ===
  'true'

async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function seed(server: ServerProcess): Promise<string> {
  const event = (daysAgo: number, title: string) => ({
    ts: new Date(TODAY - daysAgo * DAY_MS + 36_000_000).toISOString(),
    kind: 'cron_finished',
    title,
  })
  const res = await wiro(server, 'LogsIngest', {
    agent: 'bot',
    events: [event(3, 'three'), event(2, 'two')],
  })
  expect(res.result).toBe(true)
  return res.useragentguid as string
}

describe('maintenance jobs on two servers sharing one PostgreSQL database', () => {
  it('archive on one server only; a day deleted through the other is never served again, and the other takes over when the leader stops', async () => {
    const both = await twoServers(false)
    const guid = await seed(both[0])
    const leader = await until('one server to write archives', () =>
      both.find((s) => filesOf(s, guid).length === 2),
    )
    const follower = both.find((s) => s !== leader) as ServerProcess
    expect(filesOf(leader, guid)).toEqual([`${dayOf(3)}.jsonl`, `${dayOf(2)}.jsonl`])
    await until(
      'both to have run a pass',
      () => led(leader) && /"msg":"archive pass","leading":false/.test(follower.stdout()),
    )
    expect(filesOf(follower, guid)).toEqual([])

    // Deleted through the server that does not hold the file: the leader's copy is never served, then goes.
    const deleted = await wiro(follower, 'LogsDelete', { useragentguid: guid, date: dayOf(3) })
    expect(deleted).toEqual({
      result: true,
      errors: [],
      date: dayOf(3),
      removed: { plain: false, gz: false },
    })
    const failed = {
      result: false,
      errors: [{ code: 1, message: 'Failed to fetch activity file from worker' }],
    }
    expect(await wiro(leader, 'LogsFile', { useragentguid: guid, date: dayOf(3) })).toEqual(failed)
    expect(
      (await wiro(leader, 'LogsList', { useragentguid: guid })).dates.map(
        (d: { date: string }) => d.date,
      ),
    ).toEqual([dayOf(2)])
    await until('the leader to remove the deleted day', () => filesOf(leader, guid).length === 1)
    expect(filesOf(leader, guid)).toEqual([`${dayOf(2)}.jsonl`])
    await new Promise((r) => setTimeout(r, 2_500))
    expect(filesOf(leader, guid)).toEqual([`${dayOf(2)}.jsonl`])

    leader.proc.kill('SIGTERM')
    expect(await leader.exited).toBe(0)
    await until('the other server to take over', () => filesOf(follower, guid).length === 1)
    expect(filesOf(follower, guid)).toEqual([`${dayOf(2)}.jsonl`])
    expect(
      (await wiro(follower, 'LogsFile', { useragentguid: guid, date: dayOf(2) })).events.map(
        (e: { title: string }) => e.title,
      ),
    ).toEqual(['two'])
  }, 60_000)

  it('with a shared data folder, a deletion through either server removes the leader’s file at once', async () => {
    const both = await twoServers(true)
    const guid = await seed(both[1])
    await until('the archive files', () => filesOf(both[0], guid).length === 2)
    const leader = await until('a pass that led', () => both.find(led))
    const follower = both.find((s) => s !== leader) as ServerProcess
    const deleted = await wiro(follower, 'LogsDelete', { useragentguid: guid, date: dayOf(2) })
    expect(deleted.removed).toEqual({ plain: true, gz: false })
    expect(filesOf(leader, guid)).toEqual([`${dayOf(3)}.jsonl`])
    await new Promise((r) => setTimeout(r, 2_500))
    expect(filesOf(leader, guid)).toEqual([`${dayOf(3)}.jsonl`])
  }, 60_000)
})
