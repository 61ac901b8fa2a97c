import type { Page } from 'playwright-core'
import type { PageProblems } from '../helpers/browser.js'

/** The one error a signed-out page logs by design: its session probe answered 401. */
const SIGNED_OUT_PROBE = /status of 401 \(Unauthorized\) \(http:\/\/[^/]+\/api\/v1\/session\)$/

/**
 * Signs in through the real form with `key` (exchanged for the session cookie) and waits for the
 * shell's navigation, so the next step starts signed in. The signed-out page's 401 from
 * `GET /api/v1/session` is expected; any other problem before sign-in throws.
 */
export async function signInWith(
  page: Page,
  key: string,
  path: string,
  problems: PageProblems,
): Promise<void> {
  // Shorter than the test's own limit, so a wait that fails names its locator.
  page.setDefaultTimeout(15_000)
  await page.goto(path)
  await page.getByLabel('API key').fill(key)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('navigation', { name: 'Views' }).waitFor()
  const unexpected = problems.all.filter((line) => !SIGNED_OUT_PROBE.test(line))
  if (unexpected.length > 0) throw new Error(`problems before sign-in:\n${unexpected.join('\n')}`)
  problems.clear()
}

/** A JSON call to the seeded server with a key, as an agent or a script would make it. */
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
