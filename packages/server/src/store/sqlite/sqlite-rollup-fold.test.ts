import { describe, expect, it } from 'vitest'
import type Database from 'better-sqlite3'
import { EVENT_STATUSES } from '@agenttrail/protocol'
import { newEvent, seeded } from '../../../../../test/helpers/events.js'
import { enforcement } from '../../control/engine.js'
import { DAY_MS } from '../time-buckets.js'
import { openSqliteDb } from './sqlite-db.js'
import { migrateSqlite } from './sqlite-migrate.js'
import { createSqliteRoller } from './sqlite-rollups.js'
import { createSqliteWrites } from './sqlite-writes.js'

const START = Date.UTC(2026, 4, 10)

/** Random events over three days: every status, nulls and '' apart, zero and missing durations. */
function randomItems(rand: () => number, n: number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
  const maybe = <T>(value: T) => (rand() < 0.25 ? undefined : value)
  return Array.from({ length: n }, () => {
    const fields: Record<string, unknown> = {
      ts: START + Math.floor(rand() * 3 * DAY_MS),
      environment: pick(['production', 'staging', 'dev']),
      status: pick(EVENT_STATUSES),
      agent: maybe(pick(['a', 'b', 'c'])),
      model: maybe(pick(['m1', 'm2'])),
      service: maybe(pick(['s1', 's2', 's3'])),
      // Zero, one, exact powers of the bucket growth and their neighbours, and large values.
      duration_ms: maybe(
        pick([0, 1, 2, 21, 22, 50, 1_000, 86_400_000, Math.floor(rand() * 10_000)]),
      ),
      tokens_input: maybe(Math.floor(rand() * 2_000)),
      tokens_output: maybe(Math.floor(rand() * 500)),
      tokens_cache_read: maybe(Math.floor(rand() * 100)),
      tokens_cache_write: maybe(Math.floor(rand() * 50)),
      cost_usd: maybe((Math.floor(rand() * 10_000) / 1_000_000).toFixed(6)),
    }
    for (const [k, v] of Object.entries(fields)) if (v === undefined) delete fields[k]
    return { orgId: pick(['org-a', 'org-b', 'org-c']), event: newEvent(fields) }
  })
}

const snapshot = (db: Database.Database) => ({
  rollups: db.prepare('SELECT * FROM rollups ORDER BY 1, 2, 3, 4, 5, 6, 7').all(),
  latency: db.prepare('SELECT * FROM latency_rollups ORDER BY 1, 2, 3, 4, 5, 6, 7').all(),
})

/** The same events rolled up again from nothing by the set-based SQL roller. */
function rolledBySql(db: Database.Database) {
  db.exec(
    "DELETE FROM rollups; DELETE FROM latency_rollups; UPDATE meta SET value = 0 WHERE key = 'rollup_rowid'",
  )
  const roll = createSqliteRoller(db)
  while (roll(1_000) > 0);
  return snapshot(db)
}

const cursor = (db: Database.Database) =>
  (db.prepare("SELECT value FROM meta WHERE key = 'rollup_rowid'").get() as { value: number }).value
const lastRowid = (db: Database.Database) =>
  (db.prepare('SELECT max(rowid) AS hi FROM events').get() as { hi: number }).hi

function open() {
  const db = openSqliteDb(':memory:')
  migrateSqlite(db)
  return { db, writes: createSqliteWrites(db, enforcement) }
}

describe('sqlite rollups folded in memory', () => {
  it('writes the same rollup and latency rows as the set-based SQL over the same events', () => {
    const { db, writes } = open()
    const rand = seeded(7)
    const items = randomItems(rand, 3_000)
    for (let i = 0; i < items.length;) {
      const size = 1 + Math.floor(rand() * 60)
      writes.append(items.slice(i, i + size))
      i += size
      // Written out now and then, as the writer's idle turns do; rollPending(0) writes only the fold.
      if (rand() < 0.1) {
        writes.rollPending(0)
        expect(cursor(db)).toBe(lastRowid(db))
      }
    }
    expect(writes.rollPending(0)).toBeGreaterThan(0)
    expect(cursor(db)).toBe(lastRowid(db))
    const folded = snapshot(db)
    expect(folded.rollups.length).toBeGreaterThan(1_000)
    expect(folded.latency.length).toBeGreaterThan(1_000)
    expect(rolledBySql(db)).toEqual(folded)
    db.close()
  })

  it('stays exact when a transaction that appended is rolled back, and folds again once the roller has caught up', () => {
    const { db, writes } = open()
    const rand = seeded(11)
    writes.append(randomItems(rand, 200))
    // Rows the fold counted, then rolled back with the transaction around the append: the fold is
    // dropped at the next append (its rows do not follow on), and the roller takes over.
    expect(() =>
      db.transaction(() => {
        writes.append(randomItems(rand, 50))
        throw new Error('rolled back')
      })(),
    ).toThrow('rolled back')
    writes.append(randomItems(rand, 30))
    db.transaction(() => writes.append(randomItems(rand, 20)))()
    expect(writes.rollPending(0)).toBe(0)
    while (writes.rollPending(100) > 0);
    expect(cursor(db)).toBe(lastRowid(db))
    // Caught up: the next appends are folded in memory again (rollPending(0) writes only the fold).
    writes.append(randomItems(rand, 40))
    expect(writes.rollPending(0)).toBe(40)
    const folded = snapshot(db)
    // Each event is in ten rollup rows (five dimension sets, two grains); the rolled-back ones in none.
    const counted = (folded.rollups as Array<{ events: number }>).reduce((n, r) => n + r.events, 0)
    expect(counted).toBe((200 + 30 + 20 + 40) * 10)
    expect(rolledBySql(db)).toEqual(folded)
    db.close()
  })
})
