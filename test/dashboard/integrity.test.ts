import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseKeysFile, verifyExport } from '@agenttrail/protocol'
import type { Page } from 'playwright-core'
import { openBrowser, screenshot } from '../helpers/browser.js'
import type { PageProblems, TestBrowser } from '../helpers/browser.js'
import { callApi, seededBrowser, signIn, signedInPage } from '../helpers/dashboard-page.js'
import { startLiveServer } from '../helpers/live-server.js'
import { CLI } from '../helpers/process.js'
import type { LiveServer } from '../helpers/live-server.js'

/** Polls the log's status until every event is in a signed checkpoint (a deadline, no timing assertion). */
async function untilCheckpointed(url: string, key: string) {
  const deadline = Date.now() + 60_000
  for (;;) {
    const { body } = await callApi(url, key, 'GET', '/api/v1/log/status')
    if (body.latest_checkpoint && body.lag_events === 0) return body
    if (Date.now() > deadline) throw new Error('the log was not checkpointed in time')
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Runs a shell script; its exit status and output. */
function sh(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn('/bin/sh', ['-ec', script], {
        cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('error', reject)
      child.on('close', (status) => resolve({ status, stdout, stderr }))
    },
  )
}

/** Makes WebCrypto refuse Ed25519, as a browser without it does (before any script of the page). */
async function withoutEd25519(page: Page) {
  await page.addInitScript(() => {
    const subtle = crypto.subtle
    const importKey = subtle.importKey.bind(subtle)
    subtle.importKey = ((format: any, key: any, algorithm: any, ...rest: any[]) => {
      const name = typeof algorithm === 'string' ? algorithm : algorithm?.name
      if (name === 'Ed25519')
        return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))
      return (importKey as any)(format, key, algorithm, ...rest)
    }) as typeof subtle.importKey
  })
}

/**
 * The Integrity view and the event's Proof section in Chromium against the real server: the log's
 * real status, the latest checkpoint's signature and an event's inclusion proof checked with
 * WebCrypto, a tampered proof shown as failed, a browser without Ed25519 that says so, and the
 * verifiable export downloaded and checked with the integrity core.
 */
describe('the Integrity view', { timeout: 120_000 }, () => {
  const ctx = seededBrowser({ events: 120 })
  let status: any

  beforeAll(async () => {
    status = await untilCheckpointed(ctx.seed.url, ctx.seed.readKey)
  })

  const done = async (page: Page, problems: PageProblems) => {
    expect(problems.all).toEqual([])
    await page.context().close()
  }
  const get = (path: string) => callApi(ctx.seed.url, ctx.seed.readKey, 'GET', path)

  it('shows the tree against the trail, the latest checkpoint verified in the browser, the keys and the history', async () => {
    const { page, problems } = await signedInPage(ctx.browser, ctx.seed.url, ctx.seed.readKey)
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('link', { name: 'Integrity' })
      .click()
    await page.waitForURL(/\/integrity$/)
    await page.getByText('verified in this browser (Ed25519)').waitFor()
    const now = (await get('/api/v1/log/status')).body
    expect(now.tree_size).toBe(now.trail_seq)
    const card = page.locator('.stat-card').filter({ hasText: 'Tree size' })
    expect(await card.innerText()).toContain(`trail seq ${now.trail_seq.toLocaleString('en-US')}`)
    // The note shown is the server's latest, and its root is the status's root.
    const note = await page.getByLabel('Signed checkpoint note').innerText()
    const latest = await fetch(`${ctx.seed.url}/api/v1/log/checkpoint`, {
      headers: { authorization: `Bearer ${ctx.seed.readKey}` },
    }).then((r) => r.text())
    expect(`${note.trimEnd()}\n`).toBe(latest)
    expect(await page.locator('.latest-checkpoint').innerText()).toContain(
      now.latest_checkpoint.root_hash,
    )
    // The keys as published, the current one marked as signing.
    const keys = (await get('/api/v1/log/keys')).body.keys
    const keyRows = page.getByRole('table', { name: 'Signing keys' }).getByRole('row')
    expect(await keyRows.count()).toBe(keys.length + 1)
    expect(await keyRows.nth(1).innerText()).toContain(keys[0].vkey)
    expect(await keyRows.nth(1).innerText()).toContain('signing')
    // Every checkpoint, oldest first, growth and heartbeats told apart.
    const list = (await get('/api/v1/log/checkpoints?limit=1000')).body.checkpoints
    const history = page.getByRole('table', { name: 'Checkpoints' }).getByRole('row')
    await expect.poll(() => history.count()).toBeGreaterThanOrEqual(Math.min(list.length, 50) + 1)
    expect(await history.nth(1).innerText()).toContain(list[0].root_hash)
    // No warning: every event is covered, and the checkpoint is fresh.
    expect(await page.locator('.integrity-warning').count()).toBe(0)
    // The commands name this server's well-known keys for this org.
    const commands = await page.getByLabel('Verify commands').innerText()
    expect(commands).toContain(`/.well-known/agenttrail/log-keys?org=${ctx.seed.orgId}`)
    expect(commands).toContain('agenttrail verify')
    expect(await page.getByLabel('Verify with pinned keys').innerText()).toContain(keys[0].vkey)
    await screenshot(page, 'integrity')
    await done(page, problems)
  })

  it("verifies an event's inclusion proof in the drawer", async () => {
    const id = ctx.seed.scriptEventId
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      `/events?event=${id}`,
    )
    const proof = page.getByRole('dialog').getByRole('region', { name: 'Proof' })
    await proof.getByText('verified', { exact: true }).waitFor()
    const text = await proof.innerText()
    expect(text).toContain('checked in this browser')
    expect(text).not.toContain('✗')
    expect(await proof.getByRole('listitem').count()).toBe(5)
    await proof.scrollIntoViewIfNeeded()
    await screenshot(page, 'event-proof')
    await done(page, problems)
  })

  it('shows a proof with one altered hash as failed, naming the audit path', async () => {
    // The last event of the seed: its path has several hashes.
    const { body: events } = await get('/api/v1/events?limit=1')
    const id = events.events[0].id as string
    const { page, problems } = await signedInPage(ctx.browser, ctx.seed.url, ctx.seed.readKey)
    let altered = 0
    await page.route('**/api/v1/events/*/proof', async (route) => {
      const response = await route.fetch()
      const body = await response.json()
      expect(body.hashes.length).toBeGreaterThan(0)
      const hash = Buffer.from(body.hashes[0], 'base64')
      hash[0]! ^= 0x01
      body.hashes[0] = hash.toString('base64')
      altered++
      await route.fulfill({ response, json: body })
    })
    await page.goto(`/events?event=${id}`)
    const proof = page.getByRole('dialog').getByRole('region', { name: 'Proof' })
    await proof.getByText('failed', { exact: true }).waitFor()
    expect(altered).toBeGreaterThan(0)
    const failing = proof.getByRole('listitem').filter({ hasText: '✗' })
    expect(await failing.count()).toBe(1)
    expect(await failing.innerText()).toContain('audit path')
    await done(page, problems)
  })

  it('shows an event that differs from its committed leaf as failed, naming the field', async () => {
    const id = ctx.seed.violationEventId
    const { page, problems } = await signedInPage(ctx.browser, ctx.seed.url, ctx.seed.readKey)
    // A server that shows another title than the one it committed to the log.
    await page.route(`**/api/v1/events/${id}`, async (route) => {
      const response = await route.fetch()
      const event = await response.json()
      await route.fulfill({ response, json: { ...event, title: `${event.title} (edited)` } })
    })
    await page.goto(`/events?event=${id}`)
    const proof = page.getByRole('dialog').getByRole('region', { name: 'Proof' })
    await proof.getByText('failed', { exact: true }).waitFor()
    const failing = proof.getByRole('listitem').filter({ hasText: '✗' })
    expect(await failing.count()).toBe(1)
    expect(await failing.innerText()).toContain('fields differ from the committed event: title')
    await done(page, problems)
  })

  it('shows a checkpoint whose signature was altered as failed', async () => {
    const { page, problems } = await signedInPage(ctx.browser, ctx.seed.url, ctx.seed.readKey)
    await page.route('**/api/v1/log/checkpoint', async (route) => {
      const response = await route.fetch()
      const note = await response.text()
      // The first signature line's last base64 character before the padding flips.
      const lines = note.split('\n')
      const at = lines.findIndex((l) => l.startsWith('\u2014 '))
      const line = lines[at]!
      const space = line.lastIndexOf(' ')
      const sig = Buffer.from(line.slice(space + 1), 'base64')
      sig[sig.length - 1]! ^= 0x01
      lines[at] = `${line.slice(0, space)} ${sig.toString('base64')}`
      await route.fulfill({ response, body: lines.join('\n') })
    })
    await page.goto('/integrity')
    await page.getByText("failed: no published key's signature verifies").waitFor()
    expect(await page.locator('.signature-lines').innerText()).toContain('signature')
    await done(page, problems)
  })

  it('says the signature was not checked in a browser without Ed25519, and still checks the path', async () => {
    const page = await ctx.browser.newPage(ctx.seed.url)
    page.setDefaultTimeout(15_000)
    await withoutEd25519(page)
    await signIn(page, ctx.seed.readKey, '/integrity')
    await page.getByText('not checked in this browser').waitFor()
    expect(await page.getByText('verified in this browser').count()).toBe(0)
    await page.goto(`/events?event=${ctx.seed.scriptEventId}`)
    const proof = page.getByRole('dialog').getByRole('region', { name: 'Proof' })
    await proof.getByText('verified', { exact: true }).waitFor()
    expect(await proof.innerText()).toContain('signature was not checked in this browser')
    await page.context().close()
  })

  it('says nothing was checked on a page without WebCrypto (plain HTTP off localhost)', async () => {
    const page = await ctx.browser.newPage(ctx.seed.url)
    page.setDefaultTimeout(15_000)
    // What a browser gives a page that is not a secure context: no crypto.subtle.
    await page.addInitScript(() => {
      Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined })
    })
    await signIn(page, ctx.seed.readKey, '/integrity')
    await page.getByText('not checked in this browser: this page is not a secure context').waitFor()
    expect(await page.getByText('verified in this browser').count()).toBe(0)
    // The keys are still listed.
    await page.getByRole('table', { name: 'Signing keys' }).getByText('signing').waitFor()
    await page.goto(`/events?event=${ctx.seed.scriptEventId}`)
    const proof = page.getByRole('dialog').getByRole('region', { name: 'Proof' })
    await proof.getByText('not checked', { exact: true }).waitFor()
    expect(await proof.innerText()).toContain('no WebCrypto')
    expect(await proof.getByText('verified', { exact: true }).count()).toBe(0)
    await page.context().close()
  })

  it('downloads the verifiable export, which the commands the page shows verify offline', async () => {
    const { page, problems } = await signedInPage(
      ctx.browser,
      ctx.seed.url,
      ctx.seed.readKey,
      '/integrity',
    )
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download verifiable export' }).click(),
    ])
    const name = download.suggestedFilename()
    expect(name).toMatch(/^agenttrail-log-[0-9TZ-]+\.jsonl$/)
    const dir = mkdtempSync(join(tmpdir(), 'agenttrail-audit-'))
    try {
      await download.saveAs(join(dir, name))
      const lines = readFileSync(join(dir, name), 'utf8').trimEnd().split('\n')
      const parsed = lines.map((l) => JSON.parse(l) as { type: string; [k: string]: any })
      const header = parsed[0]!
      expect(header).toMatchObject({ type: 'header', format: 'agenttrail-log-export/1' })
      expect(header.org_id).toBe(ctx.seed.orgId)
      expect(header.tree_size).toBeGreaterThanOrEqual(status.latest_checkpoint.tree_size)
      expect(parsed.filter((l) => l.type === 'entry')).toHaveLength(header.tree_size)

      // The verifier, with the keys an auditor takes from the well-known path (no API key).
      const keysRes = await fetch(
        `${ctx.seed.url}/.well-known/agenttrail/log-keys?org=${ctx.seed.orgId}`,
      )
      const keys = parseKeysFile(await keysRes.text())
      const report = await verifyExport(lines, { keys })
      expect(report.problems).toEqual([])
      expect(report).toMatchObject({ status: 'intact', entries: header.tree_size, erased: 0 })
      expect(report.verified_size).toBe(header.tree_size)

      // The commands exactly as the page shows them, run in the folder the file was saved to,
      // with `agenttrail` the built CLI: both exit 0 (intact).
      const bin = join(dir, 'bin')
      mkdirSync(bin)
      writeFileSync(
        join(bin, 'agenttrail'),
        `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`,
      )
      chmodSync(join(bin, 'agenttrail'), 0o755)
      for (const label of ['Verify commands', 'Verify with pinned keys']) {
        const script = (await page.getByLabel(label).innerText()).trim()
        expect(script).toContain('agenttrail verify')
        // Asynchronously: the server answering curl runs in this process.
        const run = await sh(script, dir, {
          ...process.env,
          PATH: `${bin}:${process.env.PATH ?? ''}`,
        })
        expect({ label, status: run.status, stderr: run.stderr }).toEqual({
          label,
          status: 0,
          stderr: '',
        })
        expect(run.stdout).toContain(`${name}: INTACT\n`)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    await done(page, problems)
  })
})

/** Before the first checkpoint (the job runs once a minute here, so none comes during the test). */
describe('the Integrity view before the first checkpoint', { timeout: 120_000 }, () => {
  let live: LiveServer
  let browser: TestBrowser
  let key: string
  let eventId: string

  beforeAll(async () => {
    live = await startLiveServer('sqlite', { AGENTTRAIL_LOG_CHECKPOINT_MS: '60000' })
    browser = await openBrowser()
    key = await live.key('org-uncheckpointed', ['admin'])
    const res = await callApi(live.url, key, 'POST', '/api/v1/events/batch', {
      events: [{ agent: 'a', kind: 'action', service: 's', action: 'x', title: 'first' }],
    })
    expect(res.status).toBe(201)
    eventId = res.body.accepted[0].id
  })
  afterAll(async () => {
    await browser?.close()
    await live?.close()
  })

  it('warns that events wait for a checkpoint, disables the export and shows the proof as not yet checkpointed', async () => {
    const { page, problems } = await signedInPage(browser, live.url, key, '/integrity')
    await page.getByText('No checkpoint yet').waitFor()
    expect(
      await page.getByRole('button', { name: 'Download verifiable export' }).isDisabled(),
    ).toBe(true)
    // Once the events have waited more than a few seconds (the status is read every 2 s meanwhile).
    await page.locator('.integrity-warning').getByText('no signed checkpoint yet').waitFor({
      timeout: 30_000,
    })
    await page.goto(`/events?event=${eventId}`)
    const proof = page.getByRole('dialog').getByRole('region', { name: 'Proof' })
    await proof.getByText('not yet checkpointed').waitFor()
    // The page asked for no note or proof that does not exist yet: nothing failed to load.
    expect(problems.all).toEqual([])
    await page.context().close()
  })
})
