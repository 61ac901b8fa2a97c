import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { INITIAL_JS_BUDGET, initialJavaScript } from '../../scripts/dashboard-size.mjs'

const dist = fileURLToPath(new URL('../../packages/dashboard/dist', import.meta.url))

describe('the dashboard build', () => {
  it('loads its first view, whichever it is, in at most 250 KB of gzipped JavaScript', () => {
    expect(existsSync(`${dist}/index.html`), 'run npm run build first').toBe(true)
    const size = initialJavaScript(dist)
    expect(size.views.length).toBeGreaterThan(0)
    expect(size.entry).toBeGreaterThan(10_000)
    expect(size.worst).toBeLessThanOrEqual(INITIAL_JS_BUDGET)
  })
})
