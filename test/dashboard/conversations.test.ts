import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { screenshot } from '../helpers/browser.js'
import { callApi, seededBrowser, signedInPage } from '../helpers/dashboard-page.js'
import { HOSTILE_SCRIPT } from '../helpers/dashboard-seed.js'

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

interface ConversationRow {
  conversation_id: string
  subject: string
  agent: string
  calls: { total: number }
  tokens: { total: number }
  cost_usd: number
  started_at: string
}

describe('the Conversations view', { timeout: 60_000 }, () => {
  const ctx = seededBrowser()
  let listed: ConversationRow[]
  const [roundupId, refundId] = ['conv-weekly-roundup', 'conv-refund-4821']

  beforeAll(async () => {
    listed = (await get('/api/v1/conversations')).conversations
  })

  async function get(path: string) {
    const res = await callApi(ctx.seed.url, ctx.seed.readKey, 'GET', path)
    expect(res.status, path).toBe(200)
    return res.body
  }

  const rows = (page: Page) => page.getByRole('table', { name: 'Conversations' }).getByRole('row')
  const subjects = async (page: Page) =>
    (await rows(page).allInnerTexts()).slice(1).map((text) => text.split('\n')[0])

  it('lists the seeded conversations with subject, assistant, calls, tokens, cost and time', async () => {
    expect(listed.map((c) => c.conversation_id).sort()).toEqual([refundId, roundupId].sort())
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/conversations',
    )
    const table = page.getByRole('table', { name: 'Conversations' })
    for (const c of listed) {
      const row = table.getByRole('row').filter({ hasText: c.subject })
      await row.waitFor()
      const cells = await row.getByRole('cell').allInnerTexts()
      expect(cells[1]).toBe(c.agent)
      expect(cells[3]).toMatch(new RegExp(`^${c.calls.total}\\b`))
      expect(cells[4]).toBe(compact.format(c.tokens.total))
      expect(cells[5]).toBe(`$${c.cost_usd.toFixed(4)}`)
      expect(cells[6]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d · \d/)
    }
    expect(listed.find((c) => c.conversation_id === roundupId)?.subject).toBe(
      'Draft this week’s roundup post from our feed',
    )
    await screenshot(page, 'conversations')
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('filters by assistant, model and dates through the URL, and the rows follow', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/conversations',
    )
    await rows(page).nth(2).waitFor()
    expect((await subjects(page)).length).toBe(2)

    await page.getByLabel('Assistant', { exact: true }).selectOption('support-bot')
    await page.waitForURL(/[?&]agent=support-bot/)
    await expect.poll(() => subjects(page)).toEqual(['Where is my refund for order A-4821?'])

    await page.getByLabel('Model', { exact: true }).selectOption('claude-sonnet-4-5')
    await page.waitForURL(/[?&]model=claude-sonnet-4-5/)
    await page.getByText('No conversation matches these filters').waitFor()

    await page.getByRole('button', { name: 'Clear filters' }).click()
    await page.waitForURL((url) => url.search === '')
    await expect.poll(async () => (await subjects(page)).length).toBe(2)

    // Up to the UTC day the refund conversation started: the API decides which rows that keeps.
    const day = listed.find((c) => c.conversation_id === refundId)!.started_at.slice(0, 10)
    const expected = (await get(`/api/v1/conversations?to=${day}`)).conversations
    await page.getByLabel('To', { exact: true }).fill(day)
    await page.waitForURL(new RegExp(`[?&]to=${day}`))
    await expect
      .poll(async () => (await subjects(page)).sort())
      .toEqual(expected.map((c: ConversationRow) => c.subject).sort())
    expect(expected.map((c: ConversationRow) => c.conversation_id)).toContain(refundId)

    // The filters are the URL: opening it anew shows the same rows.
    await page.goto(`/conversations?agent=writer-bot`)
    await expect
      .poll(() => subjects(page))
      .toEqual(['Draft this week’s roundup post from our feed'])
    expect(await page.getByLabel('Assistant', { exact: true }).inputValue()).toBe('writer-bot')
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('opens the timeline of LLM, tool and HTTP calls, and a call in full', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/conversations',
    )
    await rows(page).filter({ hasText: 'Draft this week' }).click()
    await page.waitForURL(new RegExp(`/conversations/${roundupId}`))
    const timeline = page.getByRole('list', { name: 'Timeline of calls' })
    const entries = timeline.getByRole('button')
    await entries.nth(4).waitFor()
    expect(await entries.count()).toBe(5)
    const texts = await entries.allInnerTexts()
    expect(texts.map((t) => t.split('\n')[1])).toEqual(['LLM', 'Tool', 'HTTP', 'HTTP', 'LLM'])
    expect(texts[0]).toContain('claude-sonnet-4-5 → tool_use')
    expect(texts[0]).toContain('tools: web_fetch')
    expect(texts[2]).toContain('GET https://blog.example.com/feed.json 503')
    expect(texts[2]).toContain('error')

    // The first LLM call is shown by default: system prompt, messages, thinking, response, tokens.
    const call = page.getByRole('region', { name: 'Selected call' })
    await call
      .getByText('You are Quill, a blog assistant. Fetch sources before you write.')
      .waitFor()
    await expect
      .poll(() => call.getByLabel('Message 1').innerText())
      .toBe('Draft this week’s roundup post from our feed')
    expect(await call.getByLabel('Thinking').innerText()).toBe(
      'The user wants a roundup. I should read the feed first.',
    )
    expect(await call.getByLabel('Response', { exact: true }).innerText()).toBe(
      'Let me read the feed first.',
    )
    expect(await tokenRows(page)).toEqual({
      Input: '1,200',
      Output: '300',
      'Cache read': '—',
      'Cache write': '1,000',
      Total: '1,500',
    })
    expect(await call.getByText('tool_use', { exact: true }).count()).toBe(1)
    const tool = call.getByRole('listitem').filter({ hasText: 'toolu_01' })
    expect(await tool.innerText()).toContain('success')
    expect(await tool.getByLabel('Result of web_fetch').innerText()).toContain('"items": 3')

    // The second LLM call, chosen by click: its URL names it, its figures are its own.
    await entries.nth(4).click()
    await page.waitForURL(/[?&]call=/)
    await expect
      .poll(() => call.getByLabel('Response', { exact: true }).innerText())
      .toBe('Here is your weekly roundup: three tools.')
    expect(await call.getByLabel('Message 3').innerText()).toContain('tool_result')
    expect((await tokenRows(page))['Cache read']).toBe('1,000')
    expect(await call.innerText()).toContain('end_turn')
    // The call is an event: its id opens it in the Events view.
    const eventId = new URL(page.url()).searchParams.get('call')!
    expect(await call.getByRole('link', { name: eventId }).getAttribute('href')).toBe(
      `/events?event=${eventId}`,
    )
    await screenshot(page, 'conversation-call')

    // An HTTP call: its request line and its error.
    await entries.nth(2).click()
    await call.getByText('GET https://blog.example.com/feed.json → 503').waitFor()
    expect(await call.getByLabel('Error').innerText()).toContain('Service Unavailable')

    // The link to one call opens it again.
    await entries.nth(1).click()
    await call.getByRole('heading', { name: /web_fetch/ }).waitFor()
    const url = page.url()
    await page.goto(url)
    await page
      .getByRole('region', { name: 'Selected call' })
      .getByRole('heading', { name: /web_fetch/ })
      .waitFor()
    expect(problems.all).toEqual([])
    await page.context().close()
  })

  it('shows a call posted to the running conversation as it arrives, its payload as text', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      `/conversations/${roundupId}`,
    )
    const entries = page.getByRole('list', { name: 'Timeline of calls' }).getByRole('button')
    await entries.nth(4).waitFor()
    // The stream is open before the call is sent, so the frame cannot be missed.
    await page.getByText('Live', { exact: true }).waitFor()
    const res = await callApi(ctx.seed.url, ctx.seed.ingestKey, 'POST', '/api/v1/events', {
      conversation_id: roundupId,
      agent: 'writer-bot',
      environment: 'production',
      kind: 'llm_call',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'And a title for it?' }],
      output: { content: [{ type: 'text', text: `Title: ${HOSTILE_SCRIPT}` }] },
      stop_reason: 'end_turn',
      tokens_input: 40,
      tokens_output: 12,
      duration_ms: 640,
    })
    expect(res.status).toBe(201)
    await entries.nth(5).waitFor()
    expect(await entries.count()).toBe(6)
    await entries.nth(5).click()
    const call = page.getByRole('region', { name: 'Selected call' })
    await call.getByText('And a title for it?').waitFor()
    expect(await call.getByLabel('Response', { exact: true }).innerText()).toBe(
      `Title: ${HOSTILE_SCRIPT}`,
    )
    expect(await call.locator('script').count()).toBe(0)
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.locator('.stat-card').first().innerText()).toMatch(/^Calls\n6\n/)
    expect(problems.all).toEqual([])
    await page.context().close()
  })
})

/** The token table of the selected call, as label → shown figure. */
async function tokenRows(page: Page): Promise<Record<string, string>> {
  const table = page.getByRole('region', { name: 'Selected call' }).getByRole('table', {
    name: 'Tokens',
  })
  const out: Record<string, string> = {}
  for (const row of await table.getByRole('row').all()) {
    const label = await row.getByRole('rowheader').innerText()
    out[label] = await row.getByRole('cell').innerText()
  }
  return out
}
