import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { screenshot } from '../helpers/browser.js'
import { callApi, seededBrowser, signedInPage } from '../helpers/dashboard-page.js'
import { SEED_AGENTS } from '../helpers/dashboard-seed.js'

const number = new Intl.NumberFormat('en-US')

describe('the Stats and Evaluations views', { timeout: 60_000 }, () => {
  const ctx = seededBrowser()

  async function get(path: string) {
    const res = await callApi(ctx.seed.url, ctx.seed.readKey, 'GET', path)
    expect(res.status, path).toBe(200)
    return res.body
  }

  /** A `table.simple` as rows of cell texts, header row left out. */
  const tableRows = async (page: Page, name: string) =>
    page
      .getByRole('table', { name })
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.split('\n')[0])),
      )

  it('charts rates, latency, tokens and cost and breaks them down by agent, model and service', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/stats',
    )
    await page.getByRole('table', { name: 'By agent' }).waitFor()
    // Four uPlot charts, each drawn on a canvas.
    await expect.poll(() => page.locator('.chart canvas').count()).toBe(4)
    for (const name of [
      'Events and errors per hour',
      'Share of events that failed, per hour',
      'Tokens per hour',
      'Cost in US dollars per hour',
    ])
      await page.getByRole('img', { name }).waitFor()

    // The agent rows are the API's for the same range (7 days, hourly), figure for figure.
    const stats = await get('/api/v1/stats?days=7&bucket=hour')
    const agents = await tableRows(page, 'By agent')
    for (const agent of Object.values(SEED_AGENTS)) {
      const row = agents.find((r) => r[0] === agent)
      const api = stats.by_agent.find((r: { agent: string }) => r.agent === agent)
      expect(row, agent).toBeDefined()
      expect(row![1]).toBe(number.format(api.events))
    }
    const models = (await tableRows(page, 'By model')).map((r) => r[0])
    expect(models).toEqual(expect.arrayContaining(['claude-sonnet-4-5', 'gpt-4o', 'gpt-4o-mini']))
    const services = (await tableRows(page, 'By service')).map((r) => r[0])
    expect(services).toEqual(expect.arrayContaining(['stripe', 'zendesk', 'github']))
    for (const label of ['Success rate', 'Error rate', 'Denied rate', 'Latency p50', 'Latency p95'])
      await page.locator('.stat-card', { hasText: label }).waitFor()
    await screenshot(page, 'stats')

    // Range and agent are the URL; a click on an agent filters by it.
    await page.getByLabel('Range', { exact: true }).selectOption('24h')
    await page.waitForURL(/[?&]range=24h/)
    await page
      .getByText(/per hour$/)
      .first()
      .waitFor()
    await page
      .getByRole('table', { name: 'By agent' })
      .getByRole('button', { name: 'writer-bot' })
      .click()
    await page.waitForURL(/[?&]agent=writer-bot/)
    expect(await page.getByLabel('Agent', { exact: true }).inputValue()).toBe('writer-bot')
    const day = await get('/api/v1/stats?days=1&bucket=hour&agent=writer-bot')
    await expect
      .poll(async () => (await tableRows(page, 'By agent')).map((r) => r[0]))
      .toEqual(day.by_agent.map((r: { agent: string }) => r.agent))
    await expect
      .poll(() => page.locator('.stat-card', { hasText: 'Events' }).first().innerText())
      .toContain(number.format(day.totals.events))

    // A custom range asks for both dates before it asks the API.
    await page.getByLabel('Range', { exact: true }).selectOption('custom')
    await page.getByText('Choose both dates of the custom range.').waitFor()
    const today = new Date().toISOString().slice(0, 10)
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10)
    await page.getByLabel('From', { exact: true }).fill(weekAgo)
    await page.getByLabel('To', { exact: true }).fill(today)
    await page.waitForURL(new RegExp(`from=${weekAgo}.*to=${today}`))
    await page.getByRole('table', { name: 'By agent' }).waitFor()
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('shows the seeded scores over time, by agent and by label, and the latest evaluations', async () => {
    const stats = await get('/api/v1/evaluations/stats')
    expect(stats.totalEvaluations).toBe(ctx.seed.evaluatedEventIds.length)
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/evaluations',
    )
    const mean = page.locator('.stat-card', { hasText: 'Mean score' })
    await mean.waitFor()
    expect(await mean.innerText()).toContain(String(stats.avgScore))
    expect(await page.locator('.stat-card', { hasText: 'Evaluations' }).innerText()).toContain(
      String(stats.totalEvaluations),
    )
    await expect.poll(() => page.locator('.chart canvas').count()).toBe(2)

    const byAgent = await tableRows(page, 'Mean score by agent')
    expect(Object.fromEntries(byAgent.map(([agent, score]) => [agent, Number(score)]))).toEqual(
      stats.byAgent,
    )
    const byLabel = await tableRows(page, 'Evaluations by label')
    expect(Object.fromEntries(byLabel.map(([label, n]) => [label, Number(n)]))).toEqual(
      stats.byLabel,
    )
    const recent = page.getByRole('table', { name: 'Recent evaluations' }).getByRole('row')
    await expect.poll(() => recent.count()).toBe(ctx.seed.evaluatedEventIds.length + 1)
    expect(await recent.nth(1).innerText()).toContain('Reviewed by the support lead.')
    // Each row names the event it scores, and links to it.
    const links = await page
      .getByRole('table', { name: 'Recent evaluations' })
      .getByRole('link')
      .allInnerTexts()
    expect(links.sort()).toEqual([...ctx.seed.evaluatedEventIds].sort())
    const first = ctx.seed.evaluatedEventIds[0]!
    expect(await page.getByRole('link', { name: first, exact: true }).getAttribute('href')).toBe(
      `/events?event=${first}`,
    )
    await screenshot(page, 'evaluations')

    // A label filters the figures and the list through the URL.
    const helpful = await get('/api/v1/evaluations/stats?label=helpful')
    await page
      .getByRole('table', { name: 'Evaluations by label' })
      .getByRole('button', { name: 'helpful' })
      .click()
    await page.waitForURL(/[?&]label=helpful/)
    await expect.poll(() => recent.count()).toBe(stats.byLabel.helpful + 1)
    for (const text of (await recent.allInnerTexts()).slice(1)) expect(text).toContain('helpful')
    await expect.poll(() => mean.innerText()).toContain(String(helpful.avgScore))
    expect(helpful.avgScore).not.toBe(stats.avgScore)
    // Every label stays a choice while one is chosen.
    expect(
      await page.getByLabel('Label', { exact: true }).locator('option').allInnerTexts(),
    ).toEqual(['All labels', ...Object.keys(stats.byLabel).sort()])
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('says how to send an evaluation when there is none', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/evaluations?environment=nowhere',
    )
    await page.getByRole('heading', { name: 'No evaluations yet' }).waitFor()
    const hint = await page.locator('.empty-state').innerText()
    expect(hint).toContain(`${ctx.seed.url}/api/v1/evaluations`)
    expect(hint).toContain('trail.evaluate(eventId')
    expect(problems.all).toEqual([])
    await page.context().close()
  })
})
