import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { screenshot } from '../helpers/browser.js'
import { callApi, seededBrowser, signedInPage } from '../helpers/dashboard-page.js'

/** The Agents view in Chromium against a seeded server: status, kill with its consequence, scopes. */
describe('the dashboard Agents view', () => {
  const ctx = seededBrowser()

  it('lists every agent per environment with its status, counts and last activity', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.adminKey,
      '/agents',
    )
    await page.getByRole('link', { name: 'Agents' }).click()
    await page.waitForURL(/\/agents$/)
    const table = page.getByRole('table', { name: 'Agents' })
    for (const name of Object.values(ctx.seed.agents))
      await table.getByRole('link', { name, exact: true }).first().waitFor()
    // support-bot works in production and staging: one row each.
    const support = table.getByRole('row').filter({ hasText: ctx.seed.agents.support })
    expect(await support.count()).toBe(2)
    expect(await support.first().getByText('active').count()).toBe(1)
    // The name filter lives in the URL and narrows the rows.
    const all = (await callApi(ctx.seed.url, ctx.seed.readKey, 'GET', '/api/v1/agents')).body.agents
      .length
    await page.getByLabel('Name contains').fill('billing')
    await page.waitForURL(/q=billing/)
    await page.getByText(`1 of ${all} agents`).waitFor()
    await page.getByLabel('Name contains').fill('')
    await page.getByText(`${all} of ${all} agents`).waitFor()
    await screenshot(page, 'agents')
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('kills an agent after its name is typed, and its next check is refused', async () => {
    const agent = ctx.seed.agents.writer
    const before = await callApi(ctx.seed.url, ctx.seed.ingestKey, 'POST', '/api/v1/check', {
      agent,
      environment: 'production',
      service: 'github',
      action: 'comment',
    })
    expect(before.body.allowed).toBe(true)

    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.adminKey,
      '/agents',
    )
    await page.getByRole('button', { name: `Kill ${agent} (production)` }).click()
    const dialog = page.getByRole('alertdialog')
    await dialog.getByText(`Kill ${agent}?`).waitFor()
    const confirm = dialog.getByRole('button', { name: 'Kill agent' })
    expect(await confirm.isDisabled()).toBe(true)
    await dialog.getByLabel(`Type ${agent} to confirm`).fill(agent.slice(0, -1))
    expect(await confirm.isDisabled()).toBe(true)
    await dialog.getByLabel(`Type ${agent} to confirm`).fill(agent)
    await confirm.click()
    await dialog.waitFor({ state: 'detached' })
    const row = page
      .getByRole('table', { name: 'Agents' })
      .getByRole('row')
      .filter({ hasText: agent })
    await row.getByText('killed').waitFor()
    expect(
      await page.getByRole('button', { name: `Kill ${agent} (production)` }).isDisabled(),
    ).toBe(true)

    const after = await callApi(ctx.seed.url, ctx.seed.ingestKey, 'POST', '/api/v1/check', {
      agent,
      environment: 'production',
      service: 'github',
      action: 'comment',
    })
    expect(after.status).toBe(200)
    expect(after.body.allowed).toBe(false)
    expect(after.body.blockReason).toMatch(/killed/i)
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('shows a read-only key the controls disabled, saying which scope they need', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/agents',
    )
    const kill = page.getByRole('button', { name: `Kill ${ctx.seed.agents.billing} (production)` })
    await kill.waitFor()
    expect(await kill.isDisabled()).toBe(true)
    expect(await kill.getAttribute('title')).toBe('Needs a key with the control (or admin) scope')
    const pause = page.getByRole('button', {
      name: `Pause ${ctx.seed.agents.billing} (production)`,
    })
    expect(await pause.isDisabled()).toBe(true)
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it("shows one agent's activity, recent events and days, and downloads a day", async () => {
    const agent = ctx.seed.agents.billing
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.adminKey,
      '/agents',
    )
    await page.getByRole('link', { name: agent, exact: true }).first().click()
    await page.waitForURL(new RegExp(`/agents/${agent}$`))
    await page.getByRole('heading', { name: agent, level: 1 }).waitFor()
    await page.getByRole('table', { name: `Status of ${agent} per environment` }).waitFor()
    await page.getByRole('img', { name: new RegExp(`Events and errors of ${agent}`) }).waitFor()
    const events = page.getByRole('table', { name: `Recent events of ${agent}` })
    await events.getByRole('row').nth(1).waitFor()
    // A range is part of the URL.
    await page.getByLabel('Range').selectOption('7d')
    await page.waitForURL(/range=7d/)

    // The days come from Wiro's LogsList and a day's file from LogsFile, with the session cookie.
    const days = page.getByRole('table', { name: `Days of activity of ${agent} in production` })
    await days.getByRole('row').nth(1).waitFor()
    expect(await days.getByRole('row').count()).toBeGreaterThan(2)
    const day = (await days.getByRole('row').nth(1).getByRole('cell').first().innerText()).trim()
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      days.getByRole('button', { name: `Download the activity file of ${day}` }).click(),
    ])
    expect(download.suggestedFilename()).toBe(`${agent}-production-${day}.jsonl`)
    const file = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n')
    const activity = file.map((line) => JSON.parse(line) as { ts: string; kind: string })
    expect(activity.length).toBeGreaterThan(0)
    expect(new Set(activity.map((e) => e.ts.slice(0, 10)))).toEqual(new Set([day]))
    // The same day as native events: the browser's own request, with the session cookie.
    const href = await days
      .getByRole('link', { name: `Download every event of ${day} as JSON Lines` })
      .getAttribute('href')
    const res = await page.request.get(href!)
    expect(res.status()).toBe(200)
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(new Set(lines.map((e) => e.agent))).toEqual(new Set([agent]))
    expect(new Set(lines.map((e) => String(e.ts).slice(0, 10)))).toEqual(new Set([day]))
    expect(lines.length).toBe(activity.length)
    await page.getByLabel('Range').selectOption('24h')
    await page.getByRole('heading', { name: agent, level: 1 }).scrollIntoViewIfNeeded()
    await screenshot(page, 'agent')
    expect(problems.all).toEqual([])
    await page.context().close()
  })
})
