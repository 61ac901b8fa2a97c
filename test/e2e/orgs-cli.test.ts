import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freshDatabase } from '../helpers/postgres.js'
import { runCli, spawnServer } from '../helpers/process.js'
import type { ServerProcess } from '../helpers/process.js'

const dirs: string[] = []
const running: ServerProcess[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-orgs-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const s of running.splice(0)) if (s.proc.exitCode === null) s.proc.kill('SIGKILL')
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** `orgs show` as data. */
const show = (org: string, where: string[], env: Record<string, string> = {}) => {
  const res = runCli(['orgs', 'show', org, ...where], env)
  expect(res).toMatchObject({ code: 0, stderr: '' })
  return JSON.parse(res.stdout) as {
    org: string
    settings: { plan: Record<string, unknown>; require_registered_agents: boolean }
    usage: { month: string; events: number }
  }
}

// Each CLI command is a Node process that loads the server package (about 1 s of CPU); these tests
// run a dozen or more one after the other, so their limit is sized to that work on a loaded machine.
describe('agenttrail orgs', { timeout: 180_000 }, () => {
  it('sets a plan in the data folder: a named plan takes its limits unless numbers are given, others keep what is not named', () => {
    const dir = tempDir()
    const where = ['--data-dir', dir]
    expect(runCli(['keys', 'create', '--name', 'ops', '--org', 'acme', ...where]).code).toBe(0)
    const plan = (...flags: string[]) => {
      const res = runCli(['orgs', 'plan', 'acme', ...flags, ...where])
      expect(res.code).toBe(0)
      return { line: res.stdout.trim(), plan: show('acme', where).settings.plan }
    }
    expect(plan('--name', 'free')).toEqual({
      line: 'Set the plan of org acme: free, 1000 logs per month, retention 7 days, 100 requests per minute. Running servers apply it within 5 s.',
      plan: { name: 'free', logs_per_month: 1_000, retention_days: 7, requests_per_minute: 100 },
    })
    expect(plan('--name', 'pro', '--retention-days', '45').plan).toEqual({
      name: 'pro',
      logs_per_month: 50_000,
      retention_days: 45,
      requests_per_minute: 1_000,
    })
    expect(plan('--logs-per-month', '60000').plan).toEqual({
      name: 'pro',
      logs_per_month: 60_000,
      retention_days: 45,
      requests_per_minute: 1_000,
    })
    expect(plan('--name', 'business').plan).toEqual({
      name: 'business',
      logs_per_month: 500_000,
      retention_days: 90,
      requests_per_minute: 10_000,
    })
    expect(plan('--name', 'enterprise')).toEqual({
      line: 'Set the plan of org acme: enterprise, no monthly log limit, events kept (no retention), no request rate limit. Running servers apply it within 5 s.',
      plan: {
        name: 'enterprise',
        logs_per_month: null,
        retention_days: null,
        requests_per_minute: null,
      },
    })
    expect(plan('--name', 'in-house', '--logs-per-month', '5', '--rpm', '60').plan).toEqual({
      name: 'in-house',
      logs_per_month: 5,
      retention_days: null,
      requests_per_minute: 60,
    })
    expect(plan('--rpm', 'none', '--retention-days', '3').plan).toEqual({
      name: 'in-house',
      logs_per_month: 5,
      retention_days: 3,
      requests_per_minute: null,
    })
    const shown = show('acme', where)
    expect(shown).toMatchObject({
      org: 'acme',
      settings: { require_registered_agents: false },
      usage: { events: 0 },
    })
    expect(shown.usage.month).toBe(new Date().toISOString().slice(0, 7))
  })

  it('refuses bad input with a message and a non-zero exit, changing nothing', () => {
    const dir = tempDir()
    const where = ['--data-dir', dir]
    expect(runCli(['orgs', 'plan', 'acme', '--name', 'free', ...where])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no database/),
    })
    expect(runCli(['keys', 'create', '--name', 'ops', '--org', 'acme', ...where]).code).toBe(0)
    const refused: Array<[string[], RegExp]> = [
      [['plan', 'acme'], /needs --name/],
      [['plan', '--name', 'free'], /needs one org id/],
      [['plan', 'acme', 'other', '--name', 'free'], /needs one org id/],
      [
        ['plan', 'acme', '--logs-per-month', '0'],
        /--logs-per-month takes a positive whole number or none/,
      ],
      [['plan', 'acme', '--rpm', 'fast'], /--rpm takes/],
      [['plan', 'acme', '--retention-days=-3'], /--retention-days takes/],
      [['plan', 'acme', '--retention-days', '1.5'], /--retention-days takes/],
      [['plan', 'acme', '--name', ''], /invalid plan: name/],
      [['plan', 'acme', '--name', 'x'.repeat(65)], /invalid plan: name/],
      [['plan', 'acme', '--colour', 'red'], /colour/],
      [['upgrade', 'acme'], /use plan or show/],
      [['plan', 'acme', '--name', 'free', '--database-url', 'postgres://localhost/x'], /not both/],
    ]
    for (const [args, message] of refused)
      expect(runCli(['orgs', ...args, ...where])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(message),
      })
    expect(runCli(['orgs', 'plan', 'nobody', '--name', 'free', ...where])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no org "nobody".*keys create --org nobody/),
    })
    expect(runCli(['orgs', 'show', 'nobody', ...where]).code).toBe(1)
    expect(
      runCli(['orgs', 'plan', 'acme', '--name', 'free', '--database-url', 'mysql://x']),
    ).toMatchObject({ code: 2 })
    expect(show('acme', where).settings.plan).toEqual({
      name: 'unlimited',
      logs_per_month: null,
      retention_days: null,
      requests_per_minute: null,
    })
  })

  it('limits a running server within 5 s of the change, which the org’s own admin key cannot undo', async () => {
    const dir = tempDir()
    const key = 'at_orgs_cli_operator_test_0123456789'
    const server = await spawnServer(dir, {
      AGENTTRAIL_INIT_API_KEY: key,
      AGENTTRAIL_INIT_ORG: 'acme',
    })
    running.push(server)
    const headers = { 'x-api-key': key, 'content-type': 'application/json' }
    const log = () =>
      fetch(`${server.url}/sdk/log`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ agent_id: 'bot', action: 'a', status: 'success' }),
      })
    expect((await log()).status).toBe(200)
    expect(
      runCli(['orgs', 'plan', 'acme', '--name', 'free', '--logs-per-month', '2', '--data-dir', dir])
        .code,
    ).toBe(0)
    // The server read the org's settings for the first request; its cached copy lasts 5 s.
    await new Promise((r) => setTimeout(r, 5_100))
    expect((await log()).status).toBe(200)
    const refused = await log()
    expect(refused.status).toBe(403)
    expect(
      ((await refused.json()) as { detail: { current_plan: string } }).detail.current_plan,
    ).toBe('free')
    const upgrade = await fetch(`${server.url}/api/v1/org/settings`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ plan: { name: 'enterprise' } }),
    })
    expect(upgrade.status).toBe(403)
    expect(((await upgrade.json()) as { error: string }).error).toContain(
      'agenttrail orgs plan acme',
    )
    const settings = (await (
      await fetch(`${server.url}/api/v1/org/settings`, { headers })
    ).json()) as { plan: unknown }
    expect(settings.plan).toEqual({
      name: 'free',
      logs_per_month: 2,
      retention_days: 7,
      requests_per_minute: 100,
    })
    expect(show('acme', ['--data-dir', dir]).usage.events).toBe(2)
  })

  it('sets and shows a plan on PostgreSQL with --database-url', async () => {
    const url = await freshDatabase()
    expect(
      runCli(['keys', 'create', '--name', 'ops', '--org', 'acme'], { DATABASE_URL: url }).code,
    ).toBe(0)
    const res = runCli([
      'orgs',
      'plan',
      'acme',
      '--name',
      'pro',
      '--rpm',
      '30',
      '--database-url',
      url,
    ])
    expect(res).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(
        'pro, 50000 logs per month, retention 30 days, 30 requests per minute',
      ),
    })
    expect(show('acme', ['--database-url', url]).settings.plan).toEqual({
      name: 'pro',
      logs_per_month: 50_000,
      retention_days: 30,
      requests_per_minute: 30,
    })
    // The environment works too, as for the keys commands.
    expect(show('acme', [], { DATABASE_URL: url }).settings.plan).toMatchObject({ name: 'pro' })
    expect(runCli(['orgs', 'show', 'nobody', '--database-url', url]).code).toBe(1)
  })
})
