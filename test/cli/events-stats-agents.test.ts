import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPortUrl } from '../helpers/closed-port.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'
import { runCli } from './cli-process.js'
import { ingest, seedEvents } from './seed-events.js'

// Each test runs the CLI as processes, one after another: on a loaded machine each takes seconds.
describe.each(DIALECTS)(
  'agenttrail events, stats and agents (%s)',
  { timeout: 120_000 },
  (dialect) => {
    let live: LiveServer
    let env: Record<string, string> = {}
    let key = ''
    const api = async (path: string) => {
      const res = await fetch(`${live.url}${path}`, { headers: { Authorization: `Bearer ${key}` } })
      return (await res.json()) as Record<string, any>
    }

    beforeAll(async () => {
      live = await startLiveServer(dialect)
      key = await live.key('default', ['read'])
      env = { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: key }
      await ingest(live.url, await live.key('default', ['ingest']), seedEvents(60))
    })
    afterAll(() => live.close())

    it('events search prints the matching events as JSON lines, as the API lists them', async () => {
      const result = await runCli(
        [
          'events',
          'search',
          '--agent',
          'support-bot',
          '--status',
          'error',
          '--from',
          '7d',
          '--limit',
          '100',
          '--json',
        ],
        env,
      )
      expect(result.code).toBe(0)
      const { events } = await api('/api/v1/events?agent=support-bot&status=error&limit=100')
      expect(events.length).toBeGreaterThan(2)
      expect(result.stdout).toBe(events.map((e: object) => `${JSON.stringify(e)}\n`).join(''))
    })

    it('events search pages with --limit and --cursor, one readable line per event', async () => {
      const first = await runCli(['events', 'search', '--limit', '5'], env)
      expect(first.code).toBe(0)
      const lines = first.stdout.trim().split('\n')
      expect(lines).toHaveLength(5)
      expect(lines[0]).toMatch(/^\S+ \S+Z {2}\S+-bot {2}(action|llm_call) {2}\w+ .* {2}event 59$/)
      const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1]
      expect(cursor).toBeDefined()
      const next = await runCli(['events', 'search', '--limit', '5', '--cursor', cursor!], env)
      expect(next.stdout.trim().split('\n')[0]).toMatch(/ {2}event 54$/)
      const none = await runCli(['events', 'search', '--agent', 'nobody'], env)
      expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No events match.\n' })
    })

    it('events get prints one event in full, and exits 1 for an id that is not there', async () => {
      const [event] = (await api('/api/v1/events?limit=1')).events
      const json = await runCli(['events', 'get', event.id, '--json'], env)
      expect(json.code).toBe(0)
      expect(JSON.parse(json.stdout)).toEqual(await api(`/api/v1/events/${event.id}`))
      const text = await runCli(['events', 'get', event.id], env)
      expect(text.stdout).toMatch(new RegExp(`^id +${event.id}$`, 'm'))
      expect(text.stdout).toMatch(/^title +event 59$/m)
      const missing = await runCli(['events', 'get', '00000000-0000-7000-8000-000000000000'], env)
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain('no event with id')
    })

    it('stats prints totals, rates, latency, tokens, cost and the top agents and models', async () => {
      const text = await runCli(['stats', '--days', '7'], env)
      expect(text.code).toBe(0)
      expect(text.stdout).toContain(
        'Events   60: 36 success (60.0%), 12 error (20.0%), 12 denied (20.0%)',
      )
      expect(text.stdout).toMatch(/Latency {2}avg \d+ ms, p50 \d+ ms, p95 \d+ ms/)
      expect(text.stdout).toMatch(/^Top agents +events +errors +tokens +cost$/m)
      expect(text.stdout).toMatch(/^support-bot +20 +\d+/m)
      expect(text.stdout).toMatch(/^Top models/m)
      const json = await runCli(['stats', '--days', '7', '--agent', 'triage-bot', '--json'], env)
      const stats = JSON.parse(json.stdout)
      expect(stats.totals.events).toBe(20)
      expect((await runCli(['stats', '--days', '7', '--from', '1d'], env)).code).toBe(2)
    })

    it('agents list, pause, resume and kill, with the kill confirmed', async () => {
      const list = await runCli(['agents', 'list'], env)
      expect(list.code).toBe(0)
      expect(list.stdout).toMatch(/^NAME +ENVIRONMENT +STATUS +EVENTS/)
      expect(list.stdout).toMatch(/^support-bot +production +active +\d+/m)
      const control = { ...env, AGENTTRAIL_API_KEY: await live.key('default', ['read', 'control']) }
      expect((await runCli(['agents', 'pause', 'billing-bot'], control)).stdout).toBe(
        'Agent "billing-bot" in production: now paused.\n',
      )
      const listed = await runCli(['agents', 'list', '--environment', 'production', '--json'], env)
      const billing = listed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .find((a) => a.name === 'billing-bot')
      expect(billing.status).toBe('paused')
      expect((await runCli(['agents', 'resume', 'billing-bot'], control)).stdout).toContain(
        'now active',
      )
      const unconfirmed = await runCli(['agents', 'kill', 'triage-bot'], control)
      expect(unconfirmed.code).toBe(2)
      expect(unconfirmed.stderr).toContain('--yes')
      expect((await runCli(['agents', 'kill', 'triage-bot', '--yes'], control)).stdout).toContain(
        'now killed',
      )
      const resume = await runCli(['agents', 'resume', 'triage-bot'], control)
      expect(resume.code).toBe(1)
      expect(resume.stderr).toContain('was killed')
      const readOnly = await runCli(['agents', 'pause', 'support-bot'], env)
      expect(readOnly.code).toBe(4)
      expect(readOnly.stderr).toContain('"control" scope')
    })

    it('says what to do, with the documented exit code, when the server or key is wrong', async () => {
      const down = await runCli(['events', 'search'], {
        ...env,
        AGENTTRAIL_URL: await closedPortUrl(),
      })
      expect(down.code).toBe(3)
      expect(down.stderr).toMatch(
        /could not reach the server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      )
      const wrong = await runCli(['stats'], { ...env, AGENTTRAIL_API_KEY: 'at_wrong' })
      expect(wrong.code).toBe(4)
      expect(wrong.stderr).toContain('refused the API key (401)')
      // The server judges every key: one it never issued is a 401, whatever its form...
      const malformed = await runCli(['stats'], { ...env, AGENTTRAIL_API_KEY: 'nope' })
      expect(malformed.code).toBe(4)
      expect(malformed.stderr).toContain('refused the API key (401)')
      // ...and one an operator chose without a known prefix works.
      const chosen = 'operator-chosen-key-0123456789abcdef'
      await live.key('default', ['read', 'control'], undefined, chosen)
      const own = { ...env, AGENTTRAIL_API_KEY: chosen }
      for (const args of [['stats'], ['agents', 'list'], ['agents', 'pause', 'chosen-bot']])
        expect((await runCli(args, own)).code, args.join(' ')).toBe(0)
      const noKey = await runCli(['agents', 'list'], { AGENTTRAIL_URL: live.url })
      expect(noKey.code).toBe(2)
      expect(noKey.stderr).toContain('give --key KEY or set AGENTTRAIL_API_KEY')
      const badStatus = await runCli(['events', 'search', '--status', 'sideways'], env)
      expect(badStatus.code).toBe(2)
      expect(badStatus.stderr).toContain('must be one of success, error, pending, denied')
      for (const args of [
        ['events', 'search', '--nope'],
        ['events', 'find'],
        ['stats', '--days', 'x'],
        ['agents', 'pause'],
      ])
        expect((await runCli(args, env)).code).toBe(2)
    })
  },
)

describe('agenttrail --help', { timeout: 120_000 }, () => {
  it('lists every command, and every command and subcommand has its own help', async () => {
    const top = await runCli(['--help'])
    expect(top.code).toBe(0)
    for (const command of [
      'tail',
      'events search',
      'events get',
      'export',
      'stats',
      'agents list',
      'agents pause|resume|kill',
      'serve',
      'keys create',
    ])
      expect(top.stdout).toContain(`agenttrail ${command}`)
    for (const args of [
      ['tail'],
      ['events'],
      ['events', 'search'],
      ['events', 'get'],
      ['export'],
      ['stats'],
      ['agents'],
      ['agents', 'kill'],
      ['serve'],
      ['keys'],
      ['orgs'],
      ['backup'],
    ]) {
      const help = await runCli([...args, '--help'])
      expect({ args, code: help.code, stderr: help.stderr }).toEqual({ args, code: 0, stderr: '' })
      expect(help.stdout).toMatch(/^Usage/)
    }
  })
})
