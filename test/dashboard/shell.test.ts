import { describe, expect, it } from 'vitest'
import { collectProblems, screenshot } from '../helpers/browser.js'
import { callApi, seededBrowser, signedInPage, signIn } from '../helpers/dashboard-page.js'

describe('the dashboard shell', () => {
  const ctx = seededBrowser()

  it('refuses a wrong key at the field, then signs in with a real one and keeps the key out of the page', async () => {
    const page = await ctx.browser.newPage(ctx.seed.url)
    const problems = collectProblems(page)
    await page.goto('/')
    await page.getByLabel('API key').fill('at_not_a_real_key')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('That key is not valid or has been revoked.').waitFor()

    await page.getByLabel('API key').fill(ctx.seed.adminKey)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Overview' }).waitFor()

    // The session is an HttpOnly cookie: scripts on the page cannot read it, and the key is
    // nowhere in storage or the URL.
    const stored = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify(localStorage),
      session: JSON.stringify(sessionStorage),
      url: location.href,
    }))
    expect(stored.cookie).toBe('')
    for (const value of [stored.local, stored.session, stored.url])
      expect(value).not.toContain(ctx.seed.adminKey)
    const cookies = await page.context().cookies()
    expect(cookies).toHaveLength(1)
    expect(cookies[0]).toMatchObject({
      name: 'agenttrail_session',
      httpOnly: true,
      sameSite: 'Strict',
    })
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it("shows the overview's figures from the seeded trail, and narrows them to one environment through the URL", async () => {
    const { page, problems } = await signedInPage(ctx.browser, ctx.seed.url, ctx.seed.adminKey)
    const stats = (
      await callApi(ctx.seed.url, ctx.seed.adminKey, 'GET', '/api/v1/stats?days=1&bucket=hour')
    ).body
    const events = page
      .locator('.stat-card', { hasText: 'Events, last 24 h' })
      .locator('.stat-value')
    await expect.poll(() => events.textContent()).toBe(stats.totals.events.toLocaleString('en-US'))
    await page.locator('.stat-card', { hasText: 'Pending approvals' }).getByText('1').waitFor()
    await page.getByRole('heading', { name: 'By service' }).waitFor()
    await page.locator('.chart canvas').first().waitFor()
    await screenshot(page, 'overview')

    await page.getByLabel('Environment').selectOption('staging')
    await page.waitForURL(/[?&]environment=staging/)
    const staging = (
      await callApi(
        ctx.seed.url,
        ctx.seed.adminKey,
        'GET',
        '/api/v1/stats?days=1&bucket=hour&environment=staging',
      )
    ).body
    await expect
      .poll(() => events.textContent())
      .toBe(staging.totals.events.toLocaleString('en-US'))
    // The environment goes with the user from view to view.
    const href = await page.getByRole('link', { name: 'Overview' }).getAttribute('href')
    expect(href).toContain('environment=staging')
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('signs out: the session ends on the server and the sign-in form comes back', async () => {
    const { page } = await signedInPage(ctx.browser, ctx.seed.url, ctx.seed.readKey)
    await page.getByText('dashboard reader').waitFor()
    const [cookie] = await page.context().cookies()
    if (!cookie) throw new Error('signed in without a session cookie')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in to AgentTrail' }).waitFor()
    const after = await fetch(`${ctx.seed.url}/api/v1/session`, {
      headers: { cookie: `${cookie.name}=${cookie.value}` },
    })
    expect(after.status).toBe(401)
    await page.context().close()
  })

  it('follows the links that notifications carry to the event, the approval and the agent', async () => {
    const { page, problems } = await signedInPage(ctx.browser, ctx.seed.url, ctx.seed.readKey)
    await page.goto(`/events/${ctx.seed.scriptEventId}`)
    await page.waitForURL(new RegExp(`/events\\?event=${ctx.seed.scriptEventId}$`))
    await page.getByRole('dialog').waitFor()

    await page.goto(`/approvals/${ctx.seed.approvalId}`)
    await page.waitForURL(new RegExp(`/control/approvals\\?approval=${ctx.seed.approvalId}$`))
    await page.locator('tr.selected', { hasText: ctx.seed.agents.billing }).waitFor()

    await page.goto(`/agents/production/${ctx.seed.agents.billing}`)
    await page.waitForURL(
      new RegExp(`/agents/${ctx.seed.agents.billing}\\?environment=production$`),
    )
    await page.getByRole('heading', { name: ctx.seed.agents.billing, level: 1 }).waitFor()
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('is readable in dark mode and at a 1024 px laptop width', async () => {
    const context = await ctx.browser.browser.newContext({
      baseURL: ctx.seed.url,
      viewport: { width: 1024, height: 700 },
      colorScheme: 'dark',
    })
    const page = await context.newPage()
    const problems = collectProblems(page)
    await signIn(page, ctx.seed.adminKey)
    await page.getByRole('heading', { name: 'By model' }).waitFor()
    const look = await page.evaluate(() => ({
      background: getComputedStyle(document.documentElement).backgroundColor,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }))
    expect(look.background).toBe('rgb(15, 18, 22)')
    expect(look.overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: 'docs/img/dashboard/overview-dark.png' })
    expect(problems.all).toEqual([])
    await context.close()
  })
})
