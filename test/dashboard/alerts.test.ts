import { describe, expect, it } from 'vitest'
import { screenshot } from '../helpers/browser.js'
import { callApi, seededBrowser, signedInPage } from '../helpers/dashboard-page.js'

/** The Alerts view in Chromium against a seeded server: alerts, acknowledgement, baselines, rules. */
describe('the dashboard Alerts view', () => {
  const ctx = seededBrowser()

  it('lists the open alerts with their history, and acknowledges one and then all', async () => {
    const seeded = (await callApi(ctx.seed.url, ctx.seed.readKey, 'GET', '/api/v1/alerts')).body
      .alerts
    expect(seeded.length).toBeGreaterThan(0)
    const violation = seeded[0] as { id: string; message: string }
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.adminKey,
      '/alerts',
    )
    await page.getByRole('link', { name: 'Alerts' }).first().click()
    const table = page.getByRole('table', { name: 'Alerts' })
    await table.getByText(violation.message).waitFor()
    // A kill raises a critical alert; it arrives on the stream while the page is open.
    const killed = await callApi(
      ctx.seed.url,
      ctx.seed.adminKey,
      'POST',
      `/api/v1/agents/${ctx.seed.agents.research}/kill?environment=staging`,
    )
    expect(killed.status).toBe(200)
    const critical = table
      .getByRole('row')
      .filter({ hasText: `${ctx.seed.agents.research} was killed` })
    await critical.getByText('critical').waitFor()
    await critical.getByText(/agent_killed/).click()
    await screenshot(page, 'alerts')

    await table.getByRole('button', { name: `Acknowledge: ${violation.message}` }).click()
    await table.getByText(violation.message).waitFor({ state: 'detached' })
    await page.getByLabel('Include acknowledged').check()
    await page.waitForURL(/all=true/)
    const acknowledged = table.getByRole('row').filter({ hasText: violation.message })
    await acknowledged.getByText(/ago$/).first().waitFor()
    expect(await acknowledged.getByRole('button').count()).toBe(0)

    await page.getByRole('button', { name: 'Acknowledge all' }).click()
    await page.getByLabel('Include acknowledged').uncheck()
    await page.getByText('No open alerts').waitFor()
    const open = (await callApi(ctx.seed.url, ctx.seed.readKey, 'GET', '/api/v1/alerts')).body
      .alerts
    expect(open).toEqual([])
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('shows the baselines per agent with their learning state', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/alerts?tab=baselines',
    )
    const table = page.getByRole('table', { name: 'Baselines' })
    const row = table.getByRole('row').filter({ hasText: ctx.seed.agents.billing }).first()
    await row.waitFor()
    const { baselines } = (
      await callApi(ctx.seed.url, ctx.seed.readKey, 'GET', '/api/v1/baselines')
    ).body
    const billing = baselines.find((b: { agent: string }) => b.agent === ctx.seed.agents.billing)
    await row.getByText(billing.status, { exact: true }).waitFor()
    if (billing.status === 'learning')
      await row.getByText(`${Math.min(billing.history.actions, 50)}/50 actions`).waitFor()
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('lists the alert rules, keeps built-in ones from deletion, and creates, edits and deletes one', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.adminKey,
      '/alerts',
    )
    await page.getByRole('link', { name: 'Rules' }).click()
    await page.waitForURL(/tab=rules/)
    const table = page.getByRole('table', { name: 'Alert rules' })
    await table.getByText('Error rate above 20%').waitFor()
    const { rules } = (await callApi(ctx.seed.url, ctx.seed.readKey, 'GET', '/api/v1/alert-rules'))
      .body
    const builtin = rules.find((r: { builtin: boolean }) => r.builtin) as { name: string }
    const remove = table.getByRole('button', { name: `Delete rule ${builtin.name}` })
    expect(await remove.isDisabled()).toBe(true)
    expect(await remove.getAttribute('title')).toMatch(/Built-in rules cannot be deleted/)

    await page.getByRole('button', { name: 'New threshold rule' }).click()
    const form = page.getByRole('form', { name: 'New threshold rule' })
    await form.getByLabel('Name').fill('Denials above half')
    await form.getByLabel('Metric').selectOption('denied_rate')
    await form.getByLabel('Alert threshold').fill('50')
    await form.getByRole('button', { name: 'Create rule' }).click()
    await form.getByText(/denied_rate is a fraction: must be at most 1/).waitFor()
    expect(problems.all.every((line) => /status of 400/.test(line))).toBe(true)
    problems.clear()
    await form.getByLabel('Alert threshold').fill('0.5')
    await form.getByRole('button', { name: 'Create rule' }).click()
    const row = table.getByRole('row').filter({ hasText: 'Denials above half' })
    await row.getByText('denied_rate above 50.0% over 60 min').waitFor()

    await row.getByRole('button', { name: 'Edit rule Denials above half' }).click()
    const edit = page.getByRole('form', { name: 'Edit rule Denials above half' })
    await edit.getByLabel('Window (minutes)').fill('30')
    await edit.getByRole('button', { name: 'Save rule' }).click()
    await row.getByText('denied_rate above 50.0% over 30 min').waitFor()
    await row.getByRole('button', { name: 'Disable rule Denials above half' }).click()
    await row.getByText('disabled').waitFor()

    await row.getByRole('button', { name: 'Delete rule Denials above half' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete rule' }).click()
    await row.waitFor({ state: 'detached' })
    expect(problems.all).toEqual([])
    await page.context().close()
  })
})
