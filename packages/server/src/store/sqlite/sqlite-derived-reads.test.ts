import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { newEvent } from '../../../../../test/helpers/events.js'
import { DAY_MS, HOUR_MS } from '../time-buckets.js'
import { enforcement } from '../../control/engine.js'
import { openSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'agenttrail-derived-reads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Events per append; half of them carry the searched word, a fifth of those are searched for. */
const BATCH = 200
/** Appends per run: enough searches and stats reads land while the indexer and roller move. */
const ROUNDS = 24

/**
 * The full-text index and the rollups are written behind the append by the writer thread, a step
 * at a time. A search reads the indexed part and the tail past the indexer's cursor, and stats read
 * rollups and the tail past the roller's cursor: each pair must come from one snapshot, or a step
 * that commits between the two reads drops (or doubles) the events it moved.
 */
describe('sqlite file store: reads of derived data while the writer thread moves it', () => {
  it('finds every acknowledged matching event and counts each event once, in every read', async () => {
    const store = openSqliteStore({ path: join(dir, 'race.db'), enforce: enforcement })
    try {
      await store.keys.ensureOrg('org-a')
      const day = Date.UTC(2026, 2, 10)
      const matching: string[] = []
      let appended = 0
      let appending = true
      // Appends one batch at a time; an id counts as acknowledged once its append has resolved.
      const appender = (async () => {
        try {
          for (let round = 0; round < ROUNDS; round++) {
            const items = Array.from({ length: BATCH }, (_, i) => ({
              orgId: 'org-a',
              event: newEvent({
                ts: day + ((round * BATCH + i) % 1440) * 60_000,
                agent: `agent-${i % 10}`,
                title: i % 2 === 0 ? `needle ${round}-${i}` : `straw ${round}-${i}`,
                input: { text: 'some words to index' },
                duration_ms: i + 1,
              }),
            }))
            const receipts = await store.events.append(items)
            receipts.forEach((r, i) => {
              if (i % 10 === 0) matching.push(r.id)
            })
            appended += receipts.length
          }
        } finally {
          appending = false
        }
      })()

      const misses: string[] = []
      let searches = 0
      let statsReads = 0
      while (appending) {
        const expected = matching.slice()
        // The agent filter keeps the answer small while the index read covers every match, so
        // most of a search's time is spent where an index step can come between its reads.
        const found = await store.events.query(
          'org-a',
          { q: 'needle', agent: 'agent-0' },
          { limit: 1_000_000 },
        )
        const ids = new Set(found.items.map((e) => e.id))
        const lost = expected.filter((id) => !ids.has(id)).length
        if (lost > 0) misses.push(`search ${searches} missed ${lost} of ${expected.length}`)
        if (ids.size !== found.items.length) misses.push(`search ${searches} repeated events`)
        searches++

        // Stats: at least what was acknowledged before, at most that plus the one append in flight.
        const before = appended
        const stats = await store.events.stats('org-a', {
          from: day - DAY_MS - HOUR_MS / 2,
          to: day + 2 * DAY_MS + HOUR_MS / 2,
          bucket: 'day',
        })
        const counted = stats.totals.events
        if (counted < before || counted > appended + BATCH)
          misses.push(`stats ${statsReads} counted ${counted} with ${before} acknowledged`)
        statsReads++
        // The reads are synchronous underneath: let the appender see its answers between rounds.
        await new Promise((resolve) => setImmediate(resolve))
      }
      await appender
      expect(misses).toEqual([])
      // The reads did run while the indexer and roller had work left.
      expect(searches).toBeGreaterThan(ROUNDS / 2)
      await store.events.indexPending(1_000_000)
      await store.events.rollPending(1_000_000)
      const all = await store.events.query('org-a', { q: 'needle' }, { limit: 1_000_000 })
      expect(all.items).toHaveLength((ROUNDS * BATCH) / 2)
    } finally {
      await store.close()
    }
  })
})
