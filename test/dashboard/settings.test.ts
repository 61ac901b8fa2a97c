import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withPresetLimits } from '@agenttrail/server'
import type { Page } from 'playwright-core'
import { screenshot } from '../helpers/browser.js'
import type { PageProblems } from '../helpers/browser.js'
import { callApi, seededBrowser, signedInPage } from '../helpers/dashboard-page.js'
import { SEED_ORG } from '../helpers/dashboard-seed.js'
import { startReceiver } from '../helpers/loopback-receiver.js'
import type { LoopbackReceiver } from '../helpers/loopback-receiver.js'

/**
 * The Settings view in Chromium against the real server: keys with their secret shown once,
 * a webhook and a Slack channel test-sent to real receivers on loopback, redaction settings that
 * persist, the plan and usage, and a read-only session that sees but cannot change.
 */
// Each test drives a real browser through several round trips: generous under a loaded machine.
describe('the Settings view', { timeout: 120_000 }, () => {
  let receiver: LoopbackReceiver
  // Loopback is refused as a destination unless the operator allows it.
  const ctx = seededBrowser({ env: { AGENTTRAIL_OUTBOUND_ALLOW: '127.0.0.1' } })

  beforeAll(async () => {
    receiver = await startReceiver(() => ({ status: 200, body: 'ok' }))
  })
  afterAll(async () => {
    await receiver?.close()
  })

  const signedIn = (key: string) => signedInPage(ctx.browser, ctx.seed.url, key)
  const api = (path: string, key = ctx.seed.readKey) => callApi(ctx.seed.url, key, 'GET', path)
  const done = async (page: Page, problems: PageProblems) => {
    expect(problems.all).toEqual([])
    await page.context().close()
  }

  it('creates a key, shows its secret once with a copy button, then lists it without the secret', async () => {
    const { page, problems } = await signedIn(ctx.seed.adminKey)
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.waitForURL(/\/settings$/)
    await page.getByRole('table', { name: 'Keys' }).getByText('dashboard reader').waitFor()
    await page.getByRole('button', { name: 'Create key' }).click()
    const form = page.getByRole('form', { name: 'New key' })
    await form.getByLabel('Name').fill('ci uploader')
    await form.getByRole('checkbox', { name: /^ingest/ }).check()
    await form.getByRole('button', { name: 'Create key' }).click()

    const secretBox = page.getByLabel('Secret', { exact: true })
    await secretBox.waitFor()
    const secret = await secretBox.inputValue()
    expect(secret).toMatch(/^at_/)
    expect(await page.getByText('it will not be shown again').isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true)
    // The secret shown is the real key, with the scopes chosen.
    expect((await api('/api/v1/stats', secret)).status).toBe(200)
    expect((await api('/api/v1/keys', secret)).status).toBe(403)

    await page.getByRole('button', { name: 'I have copied it, close' }).click()
    const row = page.getByRole('row').filter({ hasText: 'ci uploader' })
    await row.waitFor()
    expect(await row.innerText()).toContain(secret.slice(0, 10))
    expect(await row.innerText()).toMatch(/ingest, read|read, ingest/)
    expect(await page.content()).not.toContain(secret)
    // Nothing of it was kept in the browser: no storage, not after a reload either.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0])
    await page.reload()
    await row.waitFor()
    expect(await page.content()).not.toContain(secret)
    await screenshot(page, 'settings-keys')
    await done(page, problems)
  })

  it('rotates a key (new secret once, old one refused) and revokes it after a confirmation naming it', async () => {
    const created = await callApi(ctx.seed.url, ctx.seed.adminKey, 'POST', '/api/v1/keys/create', {
      name: 'nightly export',
      scopes: ['read'],
    })
    const oldSecret = (created.body as { key: string }).key
    const { page, problems } = await signedIn(ctx.seed.adminKey)
    await page.goto('/settings/keys')
    const own = page.getByRole('row').filter({ hasText: 'this session' })
    expect(await own.getByRole('button', { name: 'Revoke' }).isDisabled()).toBe(true)
    await own.getByRole('button', { name: 'Rotate' }).click()
    await page.getByRole('alertdialog').getByText('ends this session').waitFor()
    await page.getByRole('button', { name: 'Cancel' }).click()

    const row = page.getByRole('row').filter({ hasText: 'nightly export' })
    await row.getByRole('button', { name: 'Rotate' }).click()
    const dialog = page.getByRole('alertdialog')
    expect(await dialog.getByRole('heading').innerText()).toContain('nightly export')
    await dialog.getByRole('button', { name: 'Rotate key' }).click()
    // The dialog closes once the list has been read again (the old key revoked, the new one in).
    await dialog.waitFor({ state: 'detached' })
    const newSecret = await page.getByLabel('Secret', { exact: true }).inputValue()
    expect(newSecret).not.toBe(oldSecret)
    expect((await api('/api/v1/stats', oldSecret)).status).toBe(401)
    expect((await api('/api/v1/stats', newSecret)).status).toBe(200)
    await page.getByRole('button', { name: 'I have copied it, close' }).click()

    // The rotated key is the active row of that name; the old one is listed as revoked.
    const active = page
      .getByRole('row')
      .filter({ hasText: 'nightly export' })
      .filter({
        has: page.getByRole('button', { name: 'Revoke' }),
      })
    await active.getByRole('button', { name: 'Revoke' }).click()
    expect(await dialog.getByRole('heading').innerText()).toBe('Revoke key “nightly export”?')
    await dialog.getByRole('button', { name: 'Revoke key' }).click()
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(async () => (await api('/api/v1/stats', newSecret)).status).toBe(401)
    await page
      .getByRole('row')
      .filter({ hasText: 'nightly export' })
      .getByRole('button', { name: 'Revoke' })
      .waitFor({ state: 'detached' })
    await done(page, problems)
  })

  it('creates a webhook to a loopback receiver, test-sends it and shows the delivery in the log', async () => {
    const { page, problems } = await signedIn(ctx.seed.adminKey)
    await page.goto('/settings/webhooks')
    await page.getByRole('button', { name: 'New webhook' }).click()
    const form = page.getByRole('form', { name: 'New webhook' })
    await form.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hooks/agenttrail`)
    await form.getByLabel('Description (optional)').fill('Loopback receiver')
    await form.getByRole('button', { name: 'Create webhook' }).click()
    const secret = await page.getByLabel('Secret', { exact: true }).inputValue()
    expect(secret).toMatch(/^whsec_/)
    await page.getByRole('button', { name: 'I have copied it, close' }).click()
    await page.waitForURL(/[?&]webhook=/)

    const before = receiver.received.length
    await page.getByRole('button', { name: 'Send test' }).click()
    const result = page.getByText(/^Test delivery: delivered, HTTP 200/)
    await result.waitFor()
    const got = receiver.received.slice(before).find((r) => r.path === '/hooks/agenttrail')
    expect(got).toBeDefined()
    expect(JSON.parse(got!.body).event).toBe('webhook.test')
    // Signed with the secret that was shown once.
    const expected = `sha256=${createHmac('sha256', secret).update(got!.body).digest('hex')}`
    expect(got!.headers['x-agentledger-signature']).toBe(expected)

    const log = page.getByRole('table', { name: 'Deliveries' })
    const delivery = log.getByRole('row').filter({ hasText: 'webhook.test' })
    await delivery.waitFor()
    expect(await delivery.innerText()).toMatch(/delivered[\s\S]*200/)
    await screenshot(page, 'settings-webhooks')
    await done(page, problems)
  })

  it('creates a Slack channel to a loopback receiver with errors at the field, and test-sends it', async () => {
    const { page, problems } = await signedIn(ctx.seed.adminKey)
    await page.goto('/settings/notifications')
    await page.getByText('No notification channels yet').waitFor()
    await page.getByRole('button', { name: 'New channel' }).click()
    const form = page.getByRole('form', { name: 'New channel' })
    expect(await form.getByLabel('Channel', { exact: true }).inputValue()).toBe('slack')
    const url = form.getByLabel('Incoming-webhook URL')
    await url.fill('ftp://hooks.example.com/services/T0/B0/x')
    await form.getByRole('button', { name: 'Create channel' }).click()
    await form.getByText('must be an https URL').waitFor()
    expect(await url.getAttribute('aria-invalid')).toBe('true')
    // That 400 was the point of the step (Chromium logs it as a failed load).
    problems.clear()

    const path = '/services/T0000/B0000/loopbacksecrettoken'
    await url.fill(`${receiver.url}${path}`)
    await form.getByRole('button', { name: 'Create channel' }).click()
    await page.waitForURL(/[?&]channel=/)
    const row = page.getByRole('table', { name: 'Notification channels' }).getByRole('row')
    await row.filter({ hasText: 'Slack' }).waitFor()
    // Read back masked: the URL's token never comes back to the browser.
    expect(await page.content()).not.toContain('loopbacksecrettoken')

    const before = receiver.received.length
    await page.getByRole('button', { name: 'Send test' }).click()
    await page.getByText(/^Test delivery: delivered, HTTP 200/).waitFor()
    const got = receiver.received.slice(before).find((r) => r.path === path)
    expect(got).toBeDefined()
    expect(got!.headers['content-type']).toContain('application/json')
    expect(JSON.parse(got!.body)).toHaveProperty('text')
    await page
      .getByRole('table', { name: 'Deliveries' })
      .getByText('delivered', { exact: true })
      .waitFor()
    await screenshot(page, 'settings-notifications')
    await done(page, problems)
  })

  it('registers a rollback hook (secret shown once) and shows its call when the agent is killed', async () => {
    const { page, problems } = await signedIn(ctx.seed.adminKey)
    await page.goto('/settings/rollback-hooks')
    await page.getByText('No rollback hooks yet').waitFor()
    await page.getByRole('button', { name: 'New rollback hook' }).click()
    const form = page.getByRole('form', { name: 'New rollback hook' })
    await form.getByLabel('URL', { exact: true }).fill(`${receiver.url}/rollback`)
    await form.getByLabel('Agent (empty: every agent)').fill('rollback-demo-bot')
    await form.getByLabel(/^Config/).fill('{"queue": ')
    await form.getByRole('button', { name: 'Create hook' }).click()
    await form.getByText('is not valid JSON').waitFor()
    await form.getByLabel(/^Config/).fill('{"queue": "refunds"}')
    await form.getByRole('button', { name: 'Create hook' }).click()
    expect(await page.getByLabel('Secret', { exact: true }).inputValue()).toMatch(/^whsec_/)
    await page.getByRole('button', { name: 'I have copied it, close' }).click()
    const hooks = page.getByRole('table', { name: 'Rollback hooks' })
    await hooks.getByText('rollback-demo-bot').waitFor()

    const before = receiver.received.length
    const kill = await callApi(
      ctx.seed.url,
      ctx.seed.adminKey,
      'POST',
      '/api/v1/agents/rollback-demo-bot/kill',
    )
    expect(kill.status).toBe(200)
    await expect
      .poll(() => receiver.received.slice(before).filter((r) => r.path === '/rollback').length, {
        timeout: 20_000,
      })
      .toBe(1)
    const call = JSON.parse(
      receiver.received.slice(before).find((r) => r.path === '/rollback')!.body,
    )
    expect(call.config).toEqual({ queue: 'refunds' })
    // The call is logged once its answer is in (after the receiver saw it); then a reload shows it.
    await expect
      .poll(async () => (await api('/api/v1/rollback-hooks/executions')).body.executions.length, {
        timeout: 20_000,
      })
      .toBe(1)
    await page.reload()
    const calls = page.getByRole('table', { name: 'Rollback hook calls' })
    const row = calls.getByRole('row').filter({ hasText: 'agent.killed' })
    await row.waitFor()
    expect(await row.innerText()).toMatch(/ok[\s\S]*200/)
    await done(page, problems)
  })

  it('saves redaction settings that a reload shows, with a bad name refused at its field', async () => {
    const { page, problems } = await signedIn(ctx.seed.adminKey)
    await page.goto('/settings/redaction')
    const names = page.getByLabel('Always redact these fields')
    await names.fill(`ssn\n${'x'.repeat(129)}`)
    await page.getByRole('button', { name: 'Save settings' }).click()
    await page.locator('#redaction-names-error').waitFor()
    expect(await names.getAttribute('aria-invalid')).toBe('true')
    // That 400 was the point of the step (Chromium logs it as a failed load).
    problems.clear()

    await names.fill('ssn\npatient_id')
    await page.getByLabel('Never redact these fields by name').fill('token_count')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await page.getByText('Saved.').waitFor()
    await page.reload()
    await page.getByLabel('Always redact these fields').waitFor()
    expect(await page.getByLabel('Always redact these fields').inputValue()).toBe('ssn\npatient_id')
    expect(await page.getByLabel('Never redact these fields by name').inputValue()).toBe(
      'token_count',
    )
    const stored = await api('/api/v1/org/settings', ctx.seed.adminKey)
    expect(stored.body.redaction.field_names).toEqual(['ssn', 'patient_id'])
    await done(page, problems)
  })

  it("shows the org's plan and this month's usage against its limit", async () => {
    // The operator's change (`agenttrail orgs plan`), on the store; the server sees it within 5 s.
    await ctx.seed.live.server.store.orgs.updateSettings(SEED_ORG, {
      plan: withPresetLimits({ name: 'pro' }),
    })
    await expect
      .poll(async () => (await api('/api/v1/org/usage')).body.plan.name, { timeout: 15_000 })
      .toBe('pro')
    const usage = (await api('/api/v1/org/usage')).body
    expect(usage.logs.used).toBeGreaterThanOrEqual(ctx.seed.eventCount)
    const { page, problems } = await signedIn(ctx.seed.readKey)
    await page.goto('/settings/plan')
    await page.getByRole('progressbar', { name: 'Events used this month' }).waitFor()
    const text = await page.locator('main').innerText()
    expect(text).toContain('pro')
    expect(text).toContain(usage.logs.used.toLocaleString('en-US'))
    expect(text).toContain('50,000')
    expect(text).toContain('30 days')
    // An event sent now arrives through the live stream and the count follows.
    const sent = await callApi(ctx.seed.url, ctx.seed.ingestKey, 'POST', '/api/v1/events', {
      agent: 'usage-probe',
      title: 'counted this month',
    })
    expect(sent.status).toBe(201)
    await page.getByText(`${(usage.logs.used + 1).toLocaleString('en-US')} of 50,000`).waitFor()
    await screenshot(page, 'settings-plan')
    await done(page, problems)
  })

  it('lets a read-only session see settings but not change them, saying which scope is needed', async () => {
    const { page, problems } = await signedIn(ctx.seed.readKey)
    await page.goto('/settings/keys')
    const create = page.getByRole('button', { name: 'Create key' })
    await create.waitFor()
    expect(await create.isDisabled()).toBe(true)
    expect(await create.getAttribute('title')).toContain('admin scope')
    expect(await page.getByRole('note').innerText()).toMatch(
      /managing keys needs a key with the admin scope/,
    )

    await page.getByRole('link', { name: 'Webhooks' }).click()
    await page.waitForURL(/\/settings\/webhooks$/)
    const seeded = page.getByRole('row').filter({ hasText: 'hooks.example.com' })
    await seeded.waitFor()
    expect(await page.getByRole('button', { name: 'New webhook' }).isDisabled()).toBe(true)
    expect(await seeded.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true)
    await seeded.getByRole('button', { name: /^Deliveries/ }).click()
    await page.getByText('No deliveries yet').waitFor()
    expect(await page.getByRole('button', { name: 'Send test' }).isDisabled()).toBe(true)

    await page.getByRole('link', { name: 'Redaction and org' }).click()
    await page.getByRole('note').waitFor()
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0)
    await done(page, problems)
  })
  it('ends the session when its own key is rotated, after showing the new secret, and the new secret signs in', async () => {
    const created = await callApi(ctx.seed.url, ctx.seed.adminKey, 'POST', '/api/v1/keys/create', {
      name: 'on-call laptop',
      scopes: ['admin'],
    })
    const { page, problems } = await signedIn((created.body as { key: string }).key)
    await page.goto('/settings/keys')
    const own = page.getByRole('row').filter({ hasText: 'this session' })
    expect(await own.innerText()).toContain('on-call laptop')
    await own.getByRole('button', { name: 'Rotate' }).click()
    const dialog = page.getByRole('alertdialog')
    expect(await dialog.innerText()).toContain('rotating it ends this session')
    await dialog.getByRole('button', { name: 'Rotate key' }).click()
    const secret = await page.getByLabel('Secret', { exact: true }).inputValue()
    await page.getByText('the session has ended').waitFor()
    await page.getByRole('button', { name: 'I have copied it, close' }).click()
    // The next request answers 401: the app shows the sign-in form, where the new secret works.
    await page.getByLabel('API key').waitFor()
    // Those 401s are how the app learns the session ended.
    problems.clear()
    await page.getByLabel('API key').fill(secret)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('navigation', { name: 'Views' }).waitFor()
    await done(page, problems)
  })
})
