import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { newEvent } from '../../../../test/helpers/events.js'
import { freshDatabase } from '../../../../test/helpers/postgres.js'
import { openPostgresStore } from './postgres/postgres-store.js'
import { openSqliteStore } from './sqlite/sqlite-store.js'
import type { Store } from './store.js'
import { usageMonth } from './usage-month.js'
import { enforcement } from '../control/engine.js'

const dir = mkdtempSync(join(tmpdir(), 'agenttrail-usage-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const migration = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8')
const now = new Date()
const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)
/** Received in the previous month: not backfilled. */
const LAST_MONTH = monthStart - 86_400_000

/** Appends 3 events to org-a and 1 to org-b, all received now. */
async function seed(store: Store): Promise<void> {
  await store.events.append(
    [1, 2, 3].map(() => ({
      orgId: 'org-a',
      event: newEvent({ agent: 'a', ts: Date.now() - 400 * 86_400_000 }),
    })),
  )
  await store.events.append([{ orgId: 'org-b', event: newEvent({ agent: 'b' }) }])
}

/**
 * What an existing database gets from the usage migration: the current month counted from the
 * events' receive times (not their ts), earlier months left out. The migration's SQL is run again
 * on a database whose counter was dropped, with one event moved to last month.
 */
describe('the org usage migration on an existing database', () => {
  it('backfills the current receive month on SQLite (003)', async () => {
    const path = join(dir, 'backfill.db')
    const before = openSqliteStore({ path, enforce: enforcement })
    await seed(before)
    await before.close()
    const db = new Database(path)
    db.exec('DROP TABLE org_usage')
    db.prepare(
      "UPDATE events SET received_at = ? WHERE rowid = (SELECT min(rowid) FROM events WHERE org_id = 'org-a')",
    ).run(LAST_MONTH)
    db.exec(migration('./sqlite/migrations/003_org_usage.sql'))
    db.close()
    const store = openSqliteStore({ path, enforce: enforcement })
    try {
      expect(await store.orgs.usage('org-a', usageMonth(Date.now()))).toBe(2)
      expect(await store.orgs.usage('org-b', usageMonth(Date.now()))).toBe(1)
      expect(await store.orgs.usage('org-a', usageMonth(LAST_MONTH))).toBe(0)
    } finally {
      await store.close()
    }
  })

  it('backfills the current receive month on PostgreSQL (004)', async () => {
    const url = await freshDatabase()
    const before = await openPostgresStore({ url, enforce: enforcement })
    await seed(before)
    await before.close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query('DROP TABLE org_usage')
      await client.query("UPDATE events SET received_at = $1 WHERE seq = 1 AND org_id = 'org-a'", [
        LAST_MONTH,
      ])
      await client.query(migration('./postgres/migrations/004_org_usage.sql'))
    } finally {
      await client.end()
    }
    const store = await openPostgresStore({ url, enforce: enforcement })
    try {
      expect(await store.orgs.usage('org-a', usageMonth(Date.now()))).toBe(2)
      expect(await store.orgs.usage('org-b', usageMonth(Date.now()))).toBe(1)
      expect(await store.orgs.usage('org-a', usageMonth(LAST_MONTH))).toBe(0)
    } finally {
      await store.close()
    }
  })
})

describe('usageMonth', () => {
  it('names the UTC calendar month of a receive time, up to its last millisecond', () => {
    expect(usageMonth(Date.UTC(2026, 0, 31, 23, 59, 59, 999))).toBe('2026-01')
    expect(usageMonth(Date.UTC(2026, 1, 1))).toBe('2026-02')
    expect(usageMonth(Date.UTC(2025, 11, 31, 23, 59, 59, 999))).toBe('2025-12')
    expect(usageMonth(Date.UTC(2028, 1, 29, 12))).toBe('2028-02')
  })
})
