import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCutProxy } from '../helpers/cut-proxy.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { spawnServer } from '../helpers/process.js'
import { runCli, startCli } from './cli-process.js'
import { ingest, seedEvents } from './seed-events.js'

/** The titles of the JSON lines printed so far. */
const titles = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { title: string }).title)

const lines = (stdout: string) => stdout.split('\n').filter(Boolean)

// Each test runs the CLI as processes, one after another: on a loaded machine each takes seconds.
describe('agenttrail tail', { timeout: 120_000 }, () => {
  let live: LiveServer
  let readKey = ''
  let ingestKey = ''
  let head = 0

  beforeAll(async () => {
    live = await startLiveServer('sqlite')
    readKey = await live.key('default', ['read'])
    ingestKey = await live.key('default', ['ingest'])
    head = (await ingest(live.url, ingestKey, seedEvents(5, Date.now() - 60_000, 'old'))).at(-1)!
  })
  afterAll(() => live.close())

  it('prints the live events as JSON lines, filtered by the server and by itself', async () => {
    const start = (await ingest(live.url, ingestKey, seedEvents(1, Date.now(), 'mark')))[0]!
    const tail = startCli(
      [
        'tail',
        '--json',
        '--since',
        String(start),
        '--agent',
        'support-bot',
        '--status',
        'error,failed',
      ],
      { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: readKey },
    )
    const sent = seedEvents(30, Date.now(), 'live')
    await ingest(live.url, ingestKey, sent)
    const wanted = sent
      .filter((e) => e.agent === 'support-bot' && e.status === 'error')
      .map((e) => e.title)
    await tail.waitFor((out) => titles(out).length >= wanted.length, 'the matching events')
    tail.proc.kill('SIGINT')
    const result = await tail.done
    expect(result.code).toBe(0)
    expect(titles(result.stdout)).toEqual(wanted)
    for (const line of lines(result.stdout))
      expect(JSON.parse(line)).toMatchObject({ agent: 'support-bot', status: 'error' })
  })

  it('prints one readable line per event without colours when stdout is not a terminal', async () => {
    const tail = startCli(['tail', '--since', String(head - 5), '--kind', 'llm_call'], {
      AGENTTRAIL_URL: live.url,
      AGENTTRAIL_API_KEY: readKey,
    })
    // The seed's llm_call events among the first five: old 0 and old 3.
    await tail.waitFor((out) => lines(out).length >= 2, 'two llm_call lines')
    tail.proc.kill('SIGINT')
    const { code, stdout } = await tail.done
    expect(code).toBe(0)
    expect(stdout).not.toContain('\x1b[')
    const [first] = lines(stdout)
    expect(first).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z {2}support-bot {2}llm_call {2}success {2}openai\/gpt-4o-mini {2}120 tok \$0\.0012 100 ms {2}old 0$/,
    )
  })

  it('replays from a time with --since and starts after an event with --since ID', async () => {
    const res = await fetch(`${live.url}/api/v1/events?q=old&limit=5`, {
      headers: { Authorization: `Bearer ${readKey}` },
    })
    const { events } = (await res.json()) as { events: Array<{ id: string; title: string }> }
    const third = events.find((e) => e.title === 'old 2')!
    const byId = startCli(['tail', '--json', '--since', third.id], {
      AGENTTRAIL_URL: live.url,
      AGENTTRAIL_API_KEY: readKey,
    })
    await byId.waitFor((out) => titles(out).includes('old 4'), 'old 4')
    byId.proc.kill('SIGINT')
    expect(titles((await byId.done).stdout).slice(0, 2)).toEqual(['old 3', 'old 4'])

    const byTime = startCli(['tail', '--json', '--since', '2m'], {
      AGENTTRAIL_URL: live.url,
      AGENTTRAIL_API_KEY: readKey,
    })
    await byTime.waitFor((out) => titles(out).includes('old 4'), 'old 4')
    byTime.proc.kill('SIGINT')
    expect(titles((await byTime.done).stdout).slice(0, 5)).toEqual([
      'old 0',
      'old 1',
      'old 2',
      'old 3',
      'old 4',
    ])
  })

  it('replays from a time every event at or after it, a backdated one committed later too', async () => {
    // `after` (ts inside the window) commits first; `before` (backdated, outside) commits later,
    // so the newest event before the time has the higher seq.
    const base = Date.now() - 30 * 86_400_000
    const one = (title: string, ts: number) => ({
      ...seedEvents(1, ts)[0],
      ts: new Date(ts).toISOString(),
      title,
    })
    await ingest(live.url, ingestKey, [one('after', base + 60_000)])
    await ingest(live.url, ingestKey, [one('before', base - 60_000)])
    for (const since of [new Date(base).toISOString(), String(base)]) {
      const tail = startCli(['tail', '--json', '--since', since], {
        AGENTTRAIL_URL: live.url,
        AGENTTRAIL_API_KEY: readKey,
      })
      const marker = `marker ${since}`
      await ingest(live.url, ingestKey, [one(marker, Date.now())])
      await tail.waitFor((out) => titles(out).includes(marker), `the marker (--since ${since})`)
      tail.proc.kill('SIGINT')
      const seen = titles((await tail.done).stdout)
      expect(seen, `--since ${since}`).toContain('after')
      expect(seen, `--since ${since}`).not.toContain('before')
      expect(new Set(seen).size, `--since ${since}`).toBe(seen.length)
    }
  })

  it('takes a seq up to the last committed, even behind the newest by time, and refuses one past it with exit 2', async () => {
    // Its ts lies before events committed earlier: the last committed is not the newest by ts.
    const newest = (
      await ingest(live.url, ingestKey, seedEvents(1, Date.now() - 5_000, 'head'))
    )[0]!
    const at = startCli(['tail', '--json', '--since', String(newest)], {
      AGENTTRAIL_URL: live.url,
      AGENTTRAIL_API_KEY: readKey,
    })
    const last = (await ingest(live.url, ingestKey, seedEvents(1, Date.now(), 'after head')))[0]!
    await at.waitFor((out) => titles(out).includes('after head 0'), 'the event after the head')
    at.proc.kill('SIGINT')
    expect((await at.done).code).toBe(0)
    const past = await runCli(['tail', '--since', String(last + 1000)], {
      AGENTTRAIL_URL: live.url,
      AGENTTRAIL_API_KEY: readKey,
    })
    expect(past).toMatchObject({ code: 2, stdout: '' })
    expect(past.stderr).toContain(`past the newest event (seq ${last})`)
  })

  it('loses and repeats nothing when the connection drops and events arrive meanwhile', async () => {
    const proxy = await startCutProxy(live.url)
    try {
      const from = (await ingest(live.url, ingestKey, seedEvents(1, Date.now(), 'from')))[0]!
      const tail = startCli(
        ['tail', '--json', '--since', String(from), '--reconnect-delay', '50'],
        { AGENTTRAIL_URL: proxy.url, AGENTTRAIL_API_KEY: readKey },
      )
      const a = seedEvents(20, Date.now(), 'a')
      await ingest(live.url, ingestKey, a)
      await tail.waitFor((out) => titles(out).length >= 20, 'batch a')
      proxy.cut()
      const b = seedEvents(20, Date.now(), 'b')
      await ingest(live.url, ingestKey, b)
      proxy.restore()
      await tail.waitFor((out) => titles(out).length >= 40, 'batch b, replayed')
      const c = seedEvents(20, Date.now(), 'c')
      await ingest(live.url, ingestKey, c)
      await tail.waitFor((out) => titles(out).includes('c 19'), 'batch c')
      tail.proc.kill('SIGINT')
      const result = await tail.done
      expect(result.code).toBe(0)
      expect(titles(result.stdout)).toEqual([...a, ...b, ...c].map((e) => e.title))
      expect(result.stderr).toContain('reconnecting')
    } finally {
      await proxy.close()
    }
  })

  it('prints nothing twice when a resumed stream sends frames it already printed', async () => {
    const proxy = await startCutProxy(live.url)
    try {
      const from = (await ingest(live.url, ingestKey, seedEvents(1, Date.now(), 'from')))[0]!
      const tail = startCli(
        ['tail', '--json', '--since', String(from), '--reconnect-delay', '50'],
        { AGENTTRAIL_URL: proxy.url, AGENTTRAIL_API_KEY: readKey },
      )
      const a = seedEvents(20, Date.now(), 'a')
      await ingest(live.url, ingestKey, a)
      await tail.waitFor((out) => titles(out).length >= 20, 'batch a')
      // The reconnect resumes 10 seqs early: the server sends a 10..19 again.
      proxy.rewind(10)
      proxy.cut()
      proxy.restore()
      const b = seedEvents(5, Date.now(), 'b')
      await ingest(live.url, ingestKey, b)
      await tail.waitFor((out) => titles(out).includes('b 4'), 'batch b')
      tail.proc.kill('SIGINT')
      const result = await tail.done
      expect(result.stderr).toContain('reconnecting')
      expect(titles(result.stdout)).toEqual([...a, ...b].map((e) => e.title))
    } finally {
      await proxy.close()
    }
  })

  it('picks up again after the server restarts, without loss or duplicates', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'agenttrail-cli-tail-'))
    try {
      const created = await runCli([
        'keys',
        'create',
        '--name',
        'tail',
        '--scopes',
        'read,ingest',
        '--data-dir',
        dataDir,
      ])
      const key = created.stdout.trim().split('\n').at(-1)!
      let server = await spawnServer(dataDir)
      const proxy = await startCutProxy(server.url)
      try {
        const from = (await ingest(server.url, key, seedEvents(1, Date.now(), 'from')))[0]!
        const tail = startCli(
          ['tail', '--json', '--since', String(from), '--reconnect-delay', '50'],
          { AGENTTRAIL_URL: proxy.url, AGENTTRAIL_API_KEY: key },
        )
        const a = seedEvents(10, Date.now(), 'a')
        await ingest(server.url, key, a)
        await tail.waitFor((out) => titles(out).length >= 10, 'before the restart')
        server.proc.kill('SIGTERM')
        await server.exited
        server = await spawnServer(dataDir)
        proxy.target = server.url
        const b = seedEvents(10, Date.now(), 'b')
        await ingest(server.url, key, b)
        await tail.waitFor((out) => titles(out).includes('b 9'), 'after the restart')
        const c = seedEvents(3, Date.now(), 'c')
        await ingest(server.url, key, c)
        await tail.waitFor((out) => titles(out).includes('c 2'), 'live again')
        tail.proc.kill('SIGINT')
        const result = await tail.done
        expect(result.code).toBe(0)
        expect(titles(result.stdout)).toEqual([...a, ...b, ...c].map((e) => e.title))
      } finally {
        await proxy.close()
        server.proc.kill('SIGTERM')
        await server.exited
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 90_000)

  it('exits 4 naming the key when the key is wrong, and 2 on a bad --type', async () => {
    const wrong = await runCli(['tail', '--url', live.url, '--key', 'at_not_a_real_key'])
    expect(wrong.code).toBe(4)
    expect(wrong.stderr).toContain('refused the API key (401)')
    const ingestOnly = await runCli(['tail', '--url', live.url, '--key', ingestKey])
    expect(ingestOnly.code).toBe(4)
    expect(ingestOnly.stderr).toContain('"read" scope')
    const bad = await runCli(['tail', '--url', live.url, '--key', readKey, '--type', 'nope'])
    expect(bad).toMatchObject({ code: 2, stdout: '' })
    expect(bad.stderr).toContain('--type must list event.new, action.new, alert.new')
  })
})
