import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import type { Browser, ConsoleMessage, Page } from 'playwright-core'

/** The Chromium the tests drive: Debian's, or the one `AGENTTRAIL_CHROMIUM` names. */
export const CHROMIUM_PATH = process.env.AGENTTRAIL_CHROMIUM || '/usr/bin/chromium'

/** Where `screenshot` writes by default: the images the docs show. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/img/dashboard/', import.meta.url))

/**
 * Flags known to work on a closed network as root: without the background-networking ones,
 * Chromium keeps trying to reach Google's hosts and its refused connections slow every start.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The browser-test viewport: the size the screenshots in the docs have. */
export const VIEWPORT = { width: 1280, height: 800 }

/** A running Chromium on a new empty profile. */
export interface TestBrowser {
  browser: Browser
  /** A page in a fresh context (its own cookies) whose relative `goto`s resolve against `baseUrl`. */
  newPage(baseUrl: string): Promise<Page>
  /** Closes the browser (playwright deletes its profile). */
  close(): Promise<void>
}

/**
 * Launches Chromium. A missing executable fails (never skips) with the command that installs it.
 */
export async function openBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: run \`node scripts/ensure-chromium.mjs\` ` +
        '(as root on Debian it installs it; elsewhere it says how), or set AGENTTRAIL_CHROMIUM',
    )
  }
  // playwright's launch starts Chromium on a new empty profile of its own (and deletes it on
  // close), so every run begins without cookies, cache or first-run state.
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  return {
    browser,
    async newPage(baseUrl) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: VIEWPORT })
      return context.newPage()
    },
    close: () => browser.close(),
  }
}

/** Problems a page reported: console errors (CSP violations among them) and uncaught errors. */
export interface PageProblems {
  /** Every problem so far, one line each. */
  readonly all: readonly string[]
  /** The console errors that are Content-Security-Policy violations. */
  readonly cspViolations: readonly string[]
  /** Forgets what was collected so far (e.g. after a step that is meant to fail loudly). */
  clear(): void
}

/**
 * Starts collecting a page's problems; attach it before the first `goto`. Tests end with
 * `expect(problems.all).toEqual([])`.
 */
export function collectProblems(page: Page): PageProblems {
  const all: string[] = []
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() !== 'error') return
    const where = message.location().url
    // Asking who is signed in answers 401 while nobody is: that is how the sign-in form appears.
    if (/\/api\/v1\/session$/.test(where) && /status of 401/.test(message.text())) return
    all.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`)
  }
  page.on('console', onConsole)
  page.on('pageerror', (error) => all.push(`page error: ${error.message}`))
  return {
    all,
    get cspViolations() {
      return all.filter((line) => /Content Security Policy/i.test(line))
    },
    clear() {
      all.length = 0
    },
  }
}

/**
 * Saves the viewport (1280x800, so every image in the docs has one size) as `<dir>/<name>.png`,
 * by default in `docs/img/dashboard/`, and answers its path. Names are kebab-case, e.g. the
 * view's name. `fullPage` captures the whole scrolled page instead.
 */
export async function screenshot(
  page: Page,
  name: string,
  dir = SCREENSHOT_DIR,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`screenshot name must be kebab-case: ${JSON.stringify(name)}`)
  }
  const path = join(dir, `${name}.png`)
  mkdirSync(dirname(path), { recursive: true })
  await page.screenshot({ path, fullPage: options.fullPage ?? false })
  return path
}
