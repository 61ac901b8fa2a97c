import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import {
  POSTGRES_LIMITS,
  SQLITE_LIMITS,
  eventChunks,
  ingestRatioRows,
} from '../../bench/limits-bench.js'
import { postgresVariant, sqliteVariant } from '../../bench/limits-stores.js'
import type { LimitVariant } from '../../bench/limits-stores.js'

// Two events, the first with what COPY's text format must escape (tab, line ends, backslash, `\N`).
const BODY = JSON.stringify({
  events: [
    {
      agent: 'limits',
      title: 'tab\there line\nend cr\rhere back\\slash \\N ünï',
      input: { prompt: 'quote " back\\slash\ttab' },
    },
    { agent: 'limits', title: 'plain words', output: { text: 'zebracorn' } },
  ],
})
const CHUNKS = 3

/** `CHUNKS` transactions of BODY's events written through `variant`, then what it holds. */
async function writeAndCheck(variant: LimitVariant) {
  const source = await eventChunks(BODY, Date.now())
  expect(source.first.title).toContain('\t')
  try {
    for (let i = 0; i < CHUNKS; i++) expect(await variant.write(source.next())).toBeGreaterThan(0)
    return { check: await variant.check('zebracorn', 1), first: source.first }
  } finally {
    await variant.close()
  }
}

describe('the limits benchmark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-limits-test-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each(Object.entries(SQLITE_LIMITS))(
    'SQLite %s stores every row as sent, found by search only with the full-text index',
    async (name, spec) => {
      const { check, first } = await writeAndCheck(await sqliteVariant(dir, name, spec))
      expect(check).toEqual({
        rows: 2 * CHUNKS,
        found: spec.fts ? CHUNKS : 0,
        title: first.title,
        input: first.input,
      })
    },
  )

  it.each(Object.entries(POSTGRES_LIMITS))(
    'PostgreSQL %s stores every row as sent by COPY, found by search only with the vector',
    async (name, spec) => {
      const unique = `${name}_${randomBytes(4).toString('hex')}`
      const variant = await postgresVariant(inject('postgresUrl'), unique, spec)
      const { check, first } = await writeAndCheck(variant)
      expect(check).toEqual({
        rows: 2 * CHUNKS,
        found: spec.vector ? CHUNKS : 0,
        title: first.title,
        input: first.input,
      })
    },
  )

  it("divides each ingest figure by the limit that bounds it and judges issue 19's targets", () => {
    const eps = (n: number) => ({ us: 1e6 / n, eps: n })
    const limits = {
      sqlite: {
        floor: { ...eps(1), indexes: 0 },
        indexes: { ...eps(1), indexes: 8 },
        search: { ...eps(10_000), indexes: 8 },
      },
      postgres: { copy: eps(100_000), staged: eps(1), vector: eps(1), search: eps(5_000) },
    }
    const ingest = {
      sqlite: { single: 4_000, batch: 7_000 },
      postgres: { single: 10_000, batch: 20_000 },
    }
    const rows = ingestRatioRows(ingest, limits).split('\n')
    expect(rows).toHaveLength(2)
    expect(rows[0]).toContain(
      '| 70% of 10,000 events/s | 20% of 100,000 / 400% of 5,000 events/s |',
    )
    expect(rows[0]).toMatch(/\| met \/ met \|$/)
    expect(rows[1]).toContain('| 57% | 50% | ≥ 60% / ≥ 50% | not met / met |')
  })
})
