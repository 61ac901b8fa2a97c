import type { Page } from 'playwright-core'
import { collectProblems } from '../helpers/browser.js'
import type { PageProblems, TestBrowser } from '../helpers/browser.js'

/**
 * A new page signed in through the real form with `key` (the shell is up when it returns), and
 * the collector of its problems. `path` is where it starts: the app signs in on any route.
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
  await page.goto(path)
  await page.getByLabel('API key').fill(key)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
  return { page, problems }
}
