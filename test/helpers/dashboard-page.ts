import { afterAll, beforeAll } from 'vitest'
import type { Page } from 'playwright-core'
import { collectProblems, openBrowser } from './browser.js'
import type { PageProblems, TestBrowser } from './browser.js'
import { seedDashboard } from './dashboard-seed.js'
import type { DashboardSeed } from './dashboard-seed.js'

/** A describe block's seeded server and Chromium, readable once its `beforeAll` has run. */
export interface SeededBrowser {
  readonly seed: DashboardSeed
  readonly browser: TestBrowser
}

/**
 * Registers the `beforeAll` that seeds a live server (with `options`, as `seedDashboard` takes
 * them) and opens one Chromium, and the `afterAll` that closes both. Call it in a describe block
 * (or at the top of a file); its getters throw when read before the setup ran.
 */
export function seededBrowser(options?: Parameters<typeof seedDashboard>[0]): SeededBrowser {
  let seed: DashboardSeed | undefined
  let browser: TestBrowser | undefined
  beforeAll(async () => {
    seed = await seedDashboard(options)
    browser = await openBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await seed?.close()
  })
  return {
    get seed() {
      if (!seed) throw new Error('the dashboard seed is read before its beforeAll ran')
      return seed
    },
    get browser() {
      if (!browser) throw new Error('the browser is read before its beforeAll ran')
      return browser
    },
  }
}

/**
 * Signs `page` in through the real form with `key` at `path` (the app signs in on any route) and
 * waits for the shell: its navigation and its sign-out button. For pages made by hand, e.g. in a
 * context with other options; `signedInPage` is the usual way.
 */
export async function signIn(page: Page, key: string, path = '/'): Promise<void> {
  await page.goto(path)
  await page.getByLabel('API key').fill(key)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('navigation', { name: 'Views' }).waitFor()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
}

/**
 * A new page (in its own context) signed in with `key` at `path`, and the collector of its
 * problems, attached before the first load. The signed-out page's 401 session probe is not a
 * problem (`collectProblems` ignores it), so a test that ends with `problems.all` empty has seen
 * none from the first load on.
 */
export async function signedInPage(
  browser: TestBrowser,
  baseUrl: string,
  key: string,
  path = '/',
): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage(baseUrl)
  // Under the test's own timeout, so a wait that fails names its locator instead of the test.
  page.setDefaultTimeout(15_000)
  const problems = collectProblems(page)
  await signIn(page, key, path)
  return { page, problems }
}

/**
 * A JSON call to the server at `base` with a key, as an agent or a script would make it: the
 * status and the parsed body (null when there is none).
 */
export async function callApi(
  base: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}
