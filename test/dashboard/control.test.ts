import { AgentLedger } from 'agentledger'
import { describe, expect, it } from 'vitest'
import { screenshot } from '../helpers/browser.js'
import { callApi, seededBrowser, signedInPage } from '../helpers/dashboard-page.js'

/** The Control view in Chromium against a seeded server: policies, budgets, approvals. */
describe('the dashboard Control view', () => {
  const ctx = seededBrowser()

  it("shows the server's complaint under the config field, then creates the policy", async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.adminKey,
      '/control',
    )
    await page.getByRole('link', { name: 'Control' }).click()
    await page.getByRole('link', { name: 'Policies' }).click()
    await page.waitForURL(/\/control\/policies$/)
    const table = page.getByRole('table', { name: 'Policies' })
    await table.getByText('Refunds need a person').waitFor()

    await page.getByRole('button', { name: 'New policy' }).click()
    const form = page.getByRole('form', { name: 'New policy' })
    await form.getByLabel('Name', { exact: true }).fill('Rate limit writer')
    await form.getByLabel('Agent').fill(ctx.seed.agents.writer)
    const max = form.getByLabel('Max actions')
    await max.fill('0')
    await form.getByRole('button', { name: 'Create policy' }).click()
    // The message is the server's (`rule_config.max_actions: must be greater than 0`), tied to the input.
    const error = form.getByText('must be greater than 0')
    await error.waitFor()
    expect(await max.getAttribute('aria-invalid')).toBe('true')
    const errorId = await error.getAttribute('id')
    expect((await max.getAttribute('aria-describedby'))?.split(' ')).toContain(errorId)
    // The failed request is the point of this step; the browser logs its 400.
    expect(problems.all.every((line) => /status of 400/.test(line))).toBe(true)
    problems.clear()

    await max.fill('100')
    await form.getByLabel('Window (seconds)').fill('3600')
    await form.getByRole('button', { name: 'Create policy' }).click()
    await form.waitFor({ state: 'detached' })
    const row = table.getByRole('row').filter({ hasText: 'Rate limit writer' })
    await row.getByText('rate_limit').waitFor()
    await row.getByText('max_actions 100 · window_seconds 3600').waitFor()
    const listed = await callApi(ctx.seed.url, ctx.seed.readKey, 'GET', '/api/v1/policies')
    expect(listed.body.policies.map((p: { name: string }) => p.name)).toContain('Rate limit writer')

    // Disable and enable again.
    await row.getByRole('button', { name: 'Disable policy Rate limit writer' }).click()
    await row.getByText('disabled').waitFor()
    await row.getByRole('button', { name: 'Enable policy Rate limit writer' }).click()
    await row.getByText('enabled').waitFor()
    await screenshot(page, 'control-policies')
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('creates a budget and shows its usage as a bar', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.adminKey,
      '/control/budgets',
    )
    const table = page.getByRole('table', { name: 'Budgets' })
    await table.getByRole('meter', { name: /monthly budget of billing-agent/ }).waitFor()

    await page.getByRole('button', { name: 'New budget' }).click()
    const form = page.getByRole('form', { name: 'New budget' })
    await form.getByLabel('Agent', { exact: true }).fill(ctx.seed.agents.support)
    await form.getByLabel('Period', { exact: true }).selectOption('weekly')
    await form.getByLabel('Max actions per period').fill('500')
    await form.getByLabel('Max cost per period (USD)').fill('25')
    await form.getByRole('button', { name: 'Save budget' }).click()
    await form.waitFor({ state: 'detached' })
    const meter = page.getByRole('meter', {
      name: `Actions used of the weekly budget of ${ctx.seed.agents.support} in production`,
    })
    const bar = table.locator(meter)
    await bar.waitFor()
    expect(await bar.getAttribute('aria-valuemax')).toBe('100')
    // `has` is queried inside each row, so the meter's locator starts at the page.
    const row = table.getByRole('row').filter({ has: meter })
    await row.getByText(/of 500$/).waitFor()
    await row.getByText(/of \$25\.00$/).waitFor()
    await screenshot(page, 'control-budgets')
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('approves a waiting request and the waiting SDK goes on', async () => {
    // A policy of this test's own, so its request is the only one of that agent and action.
    const policy = await callApi(ctx.seed.url, ctx.seed.adminKey, 'POST', '/api/v1/policies', {
      name: 'Wires need a person',
      agent_name: 'payout-bot',
      rule_type: 'require_approval',
      rule_config: { services: ['bank'], actions: ['wire'] },
    })
    expect(policy.status).toBe(201)
    const { page, problems } = await signedInPage(ctx.browser, ctx.seed.url, ctx.seed.adminKey, '/')
    // The Overview's card links here.
    await page.locator('.stat-card', { hasText: 'Pending approvals' }).getByRole('link').click()
    await page.waitForURL(/\/control\/approvals$/)
    await page.getByRole('table', { name: 'Approval requests, pending' }).waitFor()

    // The published SDK, as an agent runs it: held for approval, then waiting.
    const agentKey = await ctx.seed.live.key(ctx.seed.orgId, ['ingest'], 'al_')
    const ledger = new AgentLedger({ apiKey: agentKey, baseUrl: ctx.seed.url, failOpen: false })
    const action = { agent: 'payout-bot', service: 'bank', action: 'wire' }
    const held = await ledger.check(action)
    expect(held).toMatchObject({ allowed: false, requiresApproval: true })
    let settled: string | undefined
    const decision = ledger
      .waitForApproval(held.approvalId!, { timeout: 60_000, pollInterval: 100 })
      .then((d) => (settled = d))

    // The request appears without a reload.
    const approve = page.getByRole('button', { name: 'Approve payout-bot bank wire' })
    await approve.waitFor()
    expect(settled).toBeUndefined()
    await screenshot(page, 'control-approvals')
    await approve.click()
    expect(await decision).toBe('approved')
    await approve.waitFor({ state: 'detached' })
    // Approved: exactly this action now goes through.
    expect(await ledger.check(action)).toMatchObject({ allowed: true })
    const stored = await callApi(
      ctx.seed.url,
      ctx.seed.readKey,
      'GET',
      `/api/v1/approvals/${held.approvalId}`,
    )
    expect(stored.body.status).toBe('approved')
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('shows a read-only key every control disabled, naming the scope', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/control/approvals',
    )
    const approve = page.getByRole('button', { name: /^Approve billing-agent stripe refund/ })
    await approve.first().waitFor()
    expect(await approve.first().isDisabled()).toBe(true)
    expect(await approve.first().getAttribute('title')).toBe(
      'Needs a key with the approve (or admin) scope',
    )
    await page.getByRole('link', { name: 'Policies' }).click()
    const create = page.getByRole('button', { name: 'New policy' })
    await create.waitFor()
    expect(await create.isDisabled()).toBe(true)
    expect(await create.getAttribute('title')).toBe('Needs a key with the control (or admin) scope')
    expect(problems.all).toEqual([])
    await page.context().close()
  })
})
