import { describe, expect, it } from 'vitest'
import { KEY_FORMAT_HINT } from './secret-patterns.js'

/** The hint as first written, one alternative per key family: what KEY_FORMAT_HINT must find. */
const REFERENCE =
  /sk[-_]|rk_|AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|AIza|eyJ|-----BEGIN|a[tlw]_|hooks\.slack/

/** Each family's prefix, its near misses, and what surrounds them in text. */
const FRAGMENTS = [
  ...['sk-', 'sk_', 'rk_', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'glpat-'],
  ...['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-', 'at_', 'al_', 'aw_'],
  ...['AKIA', 'ASIA', 'AIza', 'eyJ', '-----BEGIN', 'hooks.slack'],
  ...['sk', 'rk-', 'gh_', 'ghx_', 'github_pat', 'glpat_', 'xoxc-', 'xox-', 'ax_', 'a_', 'at-'],
  ...['AKI', 'ASI', 'AIz', 'eyj', '----BEGIN', 'hooks-slack', 'hooksXslack'],
  ...['-', '_', '--', '__', 's', 'k', 'a', 't', 'A', 'e', 'y', 'J', ' ', 'word', 'é', '😀', '\n'],
]

describe('KEY_FORMAT_HINT', () => {
  it('finds a key prefix exactly where the one-word-per-family pattern does', () => {
    let state = 7
    const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
    let found = 0
    for (let i = 0; i < 20_000; i++) {
      const parts = Array.from(
        { length: 1 + Math.floor(next() * 6) },
        () => FRAGMENTS[Math.floor(next() * FRAGMENTS.length)],
      )
      const text = parts.join('')
      const expected = REFERENCE.test(text)
      expect(KEY_FORMAT_HINT.test(text), JSON.stringify(text)).toBe(expected)
      if (expected) found++
    }
    // Both answers are common, so a pattern that always or never matches fails.
    expect(found).toBeGreaterThan(2_000)
    expect(found).toBeLessThan(18_000)
  })
})
