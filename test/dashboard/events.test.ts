import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { screenshot } from '../helpers/browser.js'
import type { PageProblems } from '../helpers/browser.js'
import { callApi, seededBrowser, signedInPage } from '../helpers/dashboard-page.js'
import { HOSTILE_SCRIPT } from '../helpers/dashboard-seed.js'

/** RFC 4180 rows: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''))
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  if (cell || row.length) rows.push([...row, cell])
  return rows
}

describe('the Events and Traces views', () => {
  const ctx = seededBrowser()

  /** A new page, signed in through the real form with `key`, at `path`, its view's heading up. */
  async function signedIn(path: string, key = ctx.seed.readKey) {
    const signed = await signedInPage(ctx.browser, ctx.seed.url, key, path)
    await signed.page.getByRole('heading', { level: 1 }).first().waitFor()
    return signed
  }

  async function done(page: Page, problems: PageProblems) {
    expect(problems.cspViolations).toEqual([])
    expect(problems.all).toEqual([])
    await page.context().close()
  }

  const rows = (page: Page) => page.locator('.table-scroll [role="row"]')
  const rowTexts = (page: Page) => rows(page).allInnerTexts()

  const post = async (event: object) => {
    const res = await callApi(ctx.seed.url, ctx.seed.ingestKey, 'POST', '/api/v1/events', event)
    expect(res.status).toBe(201)
  }

  const apiIds = async (query: string) => {
    const path = `/api/v1/events?limit=1000&${query}`
    const res = await callApi(ctx.seed.url, ctx.seed.readKey, 'GET', path)
    expect(res.status).toBe(200)
    return (res.body as { events: { id: string }[] }).events.map((e) => e.id)
  }

  it('shows the seeded events; a search changes the URL and the rows', async () => {
    const { page, problems } = await signedIn('/events')
    await expect.poll(async () => (await rows(page).count()) > 10).toBe(true)

    await page.getByLabel('Search', { exact: true }).fill('checkout')
    await page.waitForURL(/[?&]q=checkout/)
    await expect.poll(() => rowTexts(page)).toEqual([expect.stringContaining('Checkout A-4821')])

    // A search that matches nothing says so and offers to clear the filters.
    await page.getByLabel('Search', { exact: true }).fill('zzzqqq')
    await page.getByText('No events match these filters').waitFor()
    await page.getByRole('button', { name: 'Clear filters' }).first().click()
    await page.waitForURL((url: URL) => !url.search.includes('q='))
    await expect.poll(async () => (await rows(page).count()) > 10).toBe(true)
    await done(page, problems)
  })

  it('filters by a value clicked in a row, and the URL shows it', async () => {
    const { page, problems } = await signedIn('/events')
    await page.getByRole('button', { name: 'billing-agent', exact: true }).first().click()
    await page.waitForURL(/[?&]agent=billing-agent/)
    await expect
      .poll(async () => (await rowTexts(page)).every((t) => t.includes('billing-agent')))
      .toBe(true)
    expect(await rows(page).count()).toBeGreaterThan(3)
    await screenshot(page, 'events')
    await page.getByRole('button', { name: 'error', exact: true }).first().click()
    await page.waitForURL(/[?&]status=error/)
    expect(page.url()).toContain('agent=billing-agent')
    await expect
      .poll(async () => (await rowTexts(page)).every((t) => /billing-agent[\s\S]*error/.test(t)))
      .toBe(true)
    await done(page, problems)
  })

  it('opens an event in the drawer with its payload as text, and J/K move between rows', async () => {
    const { page, problems } = await signedIn('/events?q=customer+wrote')
    await rows(page).first().click()
    const drawer = page.getByRole('dialog')
    await drawer.getByText(HOSTILE_SCRIPT).first().waitFor()
    expect(page.url()).toContain(`event=${ctx.seed.scriptEventId}`)
    // The markup is shown, not run.
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined()
    await drawer.getByRole('button', { name: 'Close' }).click()

    await page.getByRole('button', { name: 'Clear filters' }).first().click()
    await page.waitForURL((url: URL) => !url.search.includes('q='))
    await rows(page).nth(2).click()
    const third = new URL(page.url()).searchParams.get('event')
    await drawer.getByText('Id', { exact: true }).waitFor()
    await page.keyboard.press('j')
    await page.waitForURL((url: URL) => url.searchParams.get('event') !== third)
    const fourth = new URL(page.url()).searchParams.get('event')
    await drawer.getByText(fourth!).waitFor()
    await expect.poll(() => rows(page).nth(3).getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('k')
    await page.waitForURL((url: URL) => url.searchParams.get('event') === third)
    await drawer.getByText(third!).waitFor()
    await page.keyboard.press('Escape')
    await page.waitForURL((url: URL) => !url.searchParams.has('event'))

    // The control decision of an event recorded as breaking a policy, from a shared link.
    await page.goto(`/events?agent=research-agent&event=${ctx.seed.violationEventId}`)
    await drawer.getByText('Recorded as breaking a rule').waitFor()
    await drawer.getByText('service blocklist', { exact: false }).first().waitFor()
    await screenshot(page, 'event-drawer')
    await done(page, problems)
  })

  it('shows a new event live, and only when it matches the filters', async () => {
    const { page, problems } = await signedIn('/events?agent=writer-bot')
    await rows(page).first().waitFor()
    await page.getByText('Live', { exact: true }).waitFor()
    const stamp = Date.now()
    await post({ agent: 'support-bot', title: `Other agent ${stamp}` })
    await post({ agent: 'writer-bot', title: `Live arrival ${stamp}` })
    await page.getByText(`Live arrival ${stamp}`).waitFor()
    // Frames come in commit order: the other agent's came first and was left out.
    expect(await page.getByText(`Other agent ${stamp}`).count()).toBe(0)
    expect(await rows(page).first().innerText()).toContain(`Live arrival ${stamp}`)

    // Scrolled down, the rows stay put and a pill counts what came in; clicking it shows them.
    await page.locator('.table-scroll').evaluate((el) => el.scrollTo({ top: 600 }))
    await page.locator('.feed[data-at-top="false"]').waitFor()
    const table = page.getByRole('table', { name: 'Events, newest first' })
    const loaded = Number(await table.getAttribute('aria-rowcount'))
    await post({ agent: 'writer-bot', title: `While reading ${stamp}` })
    const pill = page.getByRole('button', { name: '1 new event' })
    await pill.waitFor()
    expect(Number(await table.getAttribute('aria-rowcount'))).toBe(loaded)
    await pill.click()
    await page.getByText(`While reading ${stamp}`).waitFor()
    expect(Number(await table.getAttribute('aria-rowcount'))).toBe(loaded + 1)
    expect(await rows(page).first().innerText()).toContain(`While reading ${stamp}`)
    await done(page, problems)
  })

  it('exports exactly the current filter as CSV', async () => {
    const { page, problems } = await signedIn('/events?agent=support-bot&kind=llm_call')
    await rows(page).first().waitFor()
    await page.getByText('Export', { exact: true }).click()
    const download = page.waitForEvent('download')
    await page.getByRole('link', { name: 'Download CSV' }).click()
    const csv = parseCsv(readFileSync(await (await download).path(), 'utf8'))
    const [header, ...body] = csv
    const col = (name: string) => header!.indexOf(name)
    expect(body.length).toBeGreaterThan(0)
    for (const row of body) {
      expect(row[col('agent')]).toBe('support-bot')
      expect(row[col('kind')]).toBe('llm_call')
    }
    const expected = await apiIds('agent=support-bot&kind=llm_call')
    expect(body.map((r) => r[col('id')])).toEqual(expected)
    await done(page, problems)
  })

  it('keeps the chosen columns, metadata keys among them, in the URL', async () => {
    const { page, problems } = await signedIn('/events')
    await rows(page).first().waitFor()
    await page.getByText('Columns', { exact: true }).click()
    await page.getByLabel('customer_tier').check()
    await page.waitForURL(/cols=.*customer_tier/)
    await page.getByRole('columnheader', { name: 'customer_tier' }).waitFor()
    await page.reload()
    await page.getByRole('columnheader', { name: 'customer_tier' }).waitFor()
    await done(page, problems)
  })

  it('draws the seeded trace as a waterfall with its parallel actions on separate rows', async () => {
    const { page, problems } = await signedIn('/traces')
    await page.getByRole('link', { name: ctx.seed.traceId }).click()
    await page.waitForURL(new RegExp(`/traces/${ctx.seed.traceId}`))
    const bars = page.locator('.wf-row')
    await expect.poll(() => bars.count()).toBe(5)
    const labels = await page.locator('.wf-label').allInnerTexts()
    expect(labels[0]).toBe('Checkout A-4821')
    const parallel = page.locator('.wf-row', { hasText: 'parallel 1' })
    expect(await parallel.count()).toBe(3)
    const boxes = await Promise.all(
      [0, 1, 2].map(async (i) => (await parallel.nth(i).locator('.wf-bar').boundingBox())!),
    )
    const ys = new Set(boxes.map((b) => Math.round(b.y)))
    expect(ys.size).toBe(3)
    // Each pair of the three overlaps on the time axis.
    for (const a of boxes)
      for (const b of boxes) expect(a.x < b.x + b.width && b.x < a.x + a.width).toBe(true)
    const charge = page.locator('.wf-row', { hasText: 'stripe' })
    expect(await charge.locator('.wf-parallel').count()).toBe(0)
    await screenshot(page, 'trace')

    await page.locator('.wf-row', { hasText: 'fraud' }).click()
    const drawer = page.getByRole('dialog')
    await drawer.getByRole('heading', { name: 'score', exact: true }).waitFor()
    await drawer.getByRole('link', { name: ctx.seed.traceId }).waitFor()
    await done(page, problems)
  })

  it('opens a pasted trace id, and says when no action carries it', async () => {
    const { page, problems } = await signedIn('/traces')
    await page.getByLabel('Trace id').fill(ctx.seed.traceId)
    await page.getByRole('button', { name: 'Open trace' }).click()
    await page.waitForURL(new RegExp(`/traces/${ctx.seed.traceId}$`))
    await expect.poll(() => page.locator('.wf-row').count()).toBe(5)
    await page.goto('/traces/no-such-trace')
    await page.getByText('No action carries this trace id').waitFor()
    // The 404 that says so is the answer the page expects.
    expect(problems.all.filter((line) => !line.includes('/api/v1/traces/no-such-trace'))).toEqual(
      [],
    )
    await page.context().close()
  })

  it('shows a new org how to send its first event', async () => {
    const key = await ctx.seed.live.key('org-brand-new', ['read'])
    const { page, problems } = await signedIn('/events', key)
    await page.getByText('Nothing has been recorded yet').waitFor()
    await page.getByText(`${ctx.seed.url}/api/v1/events`).waitFor()
    await done(page, problems)
  })
})
