import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventDetail } from '../../packages/cli/src/event-detail.js'
import { eventLine } from '../../packages/cli/src/event-line.js'
import { safeText } from '../../packages/cli/src/safe-text.js'
import { textTable } from '../../packages/cli/src/text-table.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { runCli, startCli } from './cli-process.js'
import { ingest } from './seed-events.js'

// A window title, a bell, a screen clear, DEL and C1's CSI: what a hostile event would send.
const HOSTILE = '\x1b]0;PWNED\x07 \x1b[2J\x7f\u009b31m'
// Any control character but the line breaks a detail view keeps.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/

describe('safeText and the views that print event text', () => {
  it('shows every control character as its escape and keeps line breaks only when asked', () => {
    expect(safeText(HOSTILE)).toBe('\\u001b]0;PWNED\\u0007 \\u001b[2J\\u007f\\u009b31m')
    expect(safeText('a\nb\tc')).toBe('a\\u000ab\\u0009c')
    expect(safeText('a\nb\tc', true)).toBe('a\nb\\u0009c')
    expect(safeText('café ✓ 日本')).toBe('café ✓ 日本')
  })

  it('keeps control characters out of event lines, details and tables, colours included', () => {
    const event = { ts: '2026-05-01T00:00:00Z', agent: HOSTILE, kind: 'action', status: 'error' }
    const line = eventLine({ ...event, service: HOSTILE, title: `x${HOSTILE}` }, true)
    expect(line).toContain('\\u001b]0;PWNED')
    // Only the colours the CLI adds: ESC followed by `[<digits>m`.
    // eslint-disable-next-line no-control-regex
    expect(line.replace(/\x1b\[\d+m/g, '')).not.toMatch(CONTROL)
    const detail = eventDetail({ ...event, error: `one\ntwo${HOSTILE}`, metadata: { m: HOSTILE } })
    expect(detail).not.toMatch(CONTROL)
    expect(detail).toContain('one\ntwo\\u001b')
    const table = textTable(['agent', 'n'], [[HOSTILE, '1']])
    expect(table).not.toMatch(CONTROL)
    expect(table.split('\n')[1]).toBe(`${safeText(HOSTILE)}  1`)
  })
})

// Each test runs the CLI as processes, one after another: on a loaded machine each takes seconds.
describe('the CLI against an event with escape sequences in its text', { timeout: 120_000 }, () => {
  let live: LiveServer
  let env: Record<string, string> = {}
  let seq = 0
  let id = ''

  beforeAll(async () => {
    live = await startLiveServer('sqlite')
    env = { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: await live.key('default', ['read']) }
    const hostile = {
      ts: new Date(Date.now() - 60_000).toISOString(),
      agent: `bot${HOSTILE}`,
      kind: 'llm_call',
      status: 'error',
      provider: 'openai',
      model: `gpt${HOSTILE}`,
      title: `title${HOSTILE}`,
      error: `failed${HOSTILE}`,
    }
    seq = (await ingest(live.url, await live.key('default', ['ingest']), [hostile]))[0]!
    const res = await fetch(`${live.url}/api/v1/events?limit=1`, {
      headers: { Authorization: `Bearer ${env.AGENTTRAIL_API_KEY}` },
    })
    id = ((await res.json()) as { events: Array<{ id: string }> }).events[0]!.id
  })
  afterAll(() => live.close())

  it('events search, events get, agents list and stats print escapes, not controls', async () => {
    for (const args of [
      ['events', 'search'],
      ['events', 'get', id],
      ['agents', 'list'],
      ['stats'],
      ['events', 'search', '--json'],
      ['events', 'get', id, '--json'],
      ['stats', '--json'],
    ]) {
      const result = await runCli(args, env)
      expect(result.code, args.join(' ')).toBe(0)
      expect(result.stdout, args.join(' ')).toContain('PWNED')
      expect(result.stdout, args.join(' ')).not.toMatch(CONTROL)
    }
  })

  it('tail prints escapes, not controls', async () => {
    const tail = startCli(['tail', '--since', String(seq - 1)], env)
    await tail.waitFor((out) => out.includes('\n'), 'the event')
    tail.proc.kill('SIGINT')
    const { stdout } = await tail.done
    expect(stdout).toContain('title\\u001b]0;PWNED\\u0007 \\u001b[2J')
    expect(stdout).not.toMatch(CONTROL)
  })
})
