import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCutProxy } from '../helpers/cut-proxy.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'
import { runCli, startCli } from './cli-process.js'
import { ingest, seedEvents } from './seed-events.js'

// Each test runs the CLI as processes, one after another: on a loaded machine each takes seconds.
describe.each(DIALECTS)('agenttrail export (%s)', { timeout: 120_000 }, (dialect) => {
  let live: LiveServer
  let key = ''
  let dir = ''
  const server = async (query: string) => {
    const res = await fetch(`${live.url}/api/v1/events?${query}`, {
      headers: { Authorization: `Bearer ${key}` },
    })
    expect(res.status).toBe(200)
    return res.text()
  }

  beforeAll(async () => {
    live = await startLiveServer(dialect)
    key = await live.key('default', ['read'])
    await ingest(live.url, await live.key('default', ['ingest']), seedEvents(1_250))
    dir = mkdtempSync(join(tmpdir(), 'agenttrail-cli-export-'))
  })
  afterAll(async () => {
    await live.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes every event to JSONL and CSV exactly as the server exports them', async () => {
    const env = { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: key }
    for (const format of ['jsonl', 'csv']) {
      const file = join(dir, `all.${format}`)
      const result = await runCli(['export', '--format', format, '--output', file], env)
      expect(result).toMatchObject({ code: 0, stdout: '' })
      expect(result.stderr).toBe(`Exported 1250 events to ${file}.\n`)
      expect(readFileSync(file, 'utf8')).toBe(await server(`format=${format}`))
      expect(existsSync(`${file}.progress`)).toBe(false)
    }
    const csv = readFileSync(join(dir, 'all.csv'), 'utf8')
    expect(csv).toContain(`"'=HYPERLINK(""x""), event 5\nsecond line"`)
  })

  it('writes to stdout with --output - and takes the filters of events search', async () => {
    const result = await runCli(
      ['export', '--output', '-', '--agent', 'billing-bot', '--status', 'error', '--format', 'csv'],
      { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: key },
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(await server('format=csv&agent=billing-bot&status=error'))
    expect(result.stdout.split('\r\n').length).toBeGreaterThan(10)
  })

  it('resumes after being killed mid-way and ends with every event exactly once', async () => {
    const proxy = await startCutProxy(live.url)
    const file = join(dir, 'resumed.jsonl')
    try {
      // The fourth page is never answered: the export is stopped there, after three pages.
      proxy.holdAfter(3, '/api/v1/events')
      const first = startCli(
        ['export', '--output', file, '--page-size', '100', '--kind', 'action'],
        {
          AGENTTRAIL_URL: proxy.url,
          AGENTTRAIL_API_KEY: key,
        },
      )
      await new Promise<void>((resolve, reject) => {
        const started = Date.now()
        const poll = setInterval(() => {
          if (proxy.held() > 0) {
            clearInterval(poll)
            resolve()
          } else if (Date.now() - started > 20_000) {
            clearInterval(poll)
            reject(
              new Error(
                `the export never reached its fourth page in 20 s; stderr: ${first.stderr()}`,
              ),
            )
          }
        }, 20)
      })
      first.proc.kill('SIGKILL')
      await first.done
      const progress = JSON.parse(readFileSync(`${file}.progress`, 'utf8')) as {
        count: number
        bytes: number
        query: { to: string; kind: string }
      }
      expect(progress).toMatchObject({ count: 300, query: { kind: 'action' } })
      expect(readFileSync(file).length).toBe(progress.bytes)
      // A page half-written when the process died: the resume cuts it off.
      appendFileSync(file, '{"id":"half a line')
      const again = await runCli(['export', '--output', file], {
        AGENTTRAIL_URL: live.url,
        AGENTTRAIL_API_KEY: key,
      })
      expect(again.code).toBe(2)
      expect(again.stderr).toContain('add --resume')
      const resumed = await runCli(['export', '--output', file, '--resume'], {
        AGENTTRAIL_URL: live.url,
        AGENTTRAIL_API_KEY: key,
      })
      expect(resumed.code).toBe(0)
      const expected = await server(
        `format=jsonl&kind=action&to=${encodeURIComponent(progress.query.to)}`,
      )
      expect(readFileSync(file, 'utf8')).toBe(expected)
      const ids = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.length).toBeGreaterThan(300)
      expect(existsSync(`${file}.progress`)).toBe(false)
    } finally {
      await proxy.close()
    }
  })

  it('refuses to resume into a file that is missing or shorter than the progress says', async () => {
    const env = { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: key }
    const file = join(dir, 'shrunk.jsonl')
    const progress = { version: 1, format: 'jsonl', query: {}, cursor: 'c', count: 5, bytes: 500 }
    writeFileSync(`${file}.progress`, JSON.stringify(progress))
    const missing = await runCli(['export', '-o', file, '--resume'], env)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`${file} no longer matches ${file}.progress: it is missing`)
    expect(existsSync(file)).toBe(false)
    writeFileSync(file, '{"id":"a"}\n')
    const shorter = await runCli(['export', '-o', file, '--resume'], env)
    expect(shorter.code).toBe(2)
    expect(shorter.stderr).toContain('11 bytes, shorter than the 500 recorded')
    expect(shorter.stderr).toContain(`Delete ${file}.progress`)
    expect(readFileSync(file, 'utf8')).toBe('{"id":"a"}\n')
  })

  it('says plainly, with exit 1, when the output cannot be written', async () => {
    const env = { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: key }
    const noFolder = join(dir, 'no-such-folder', 'out.jsonl')
    const cases: Array<[string, string]> = [
      [noFolder, `cannot use ${noFolder}: no such file or directory`],
      [dir, `cannot use ${dir}: it is a directory`],
    ]
    for (const [output, said] of cases) {
      const result = await runCli(['export', '-o', output, '--kind', 'action'], env)
      expect(result.code, output).toBe(1)
      expect(result.stderr, output).toContain(said)
      expect(result.stderr, output).not.toMatch(/\n\s+at /)
    }
  })

  it('exits quietly when the reader closes stdout early, as `| head -1` does', async () => {
    const env = { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: key }
    for (const args of [
      ['export', '--output', '-', '--page-size', '100'],
      ['events', 'search', '--limit', '1250', '--json'],
      ['tail', '--json', '--since', '0'],
    ]) {
      const cli = startCli(args, env)
      await cli.waitFor((out) => out.includes('\n'), `a first line of ${args.join(' ')}`)
      cli.proc.stdout!.destroy()
      const result = await cli.done
      expect(result.stderr, args.join(' ')).not.toContain('EPIPE')
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /)
      expect(result.code, args.join(' ')).toBe(0)
    }
  })

  it('refuses bad flags with exit 2 and leaves an existing file alone on a wrong key', async () => {
    const env = { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: key }
    expect((await runCli(['export'], env)).code).toBe(2)
    expect((await runCli(['export', '-o', join(dir, 'x'), '--format', 'xml'], env)).code).toBe(2)
    expect((await runCli(['export', '-o', join(dir, 'x'), '--from', 'yesterday'], env)).code).toBe(
      2,
    )
    const none = await runCli(['export', '-o', join(dir, 'nothing.jsonl'), '--resume'], env)
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('nothing to resume')
    const file = join(dir, 'all.jsonl')
    const before = readFileSync(file, 'utf8')
    const wrong = await runCli(['export', '-o', file], { ...env, AGENTTRAIL_API_KEY: 'at_wrong' })
    expect(wrong.code).toBe(4)
    expect(readFileSync(file, 'utf8')).toBe(before)
  })
})
