import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { newEvent, seeded } from '../../../../test/helpers/events.js'
import { freshDatabase } from '../../../../test/helpers/postgres.js'
import type { ConversationFilter, ConversationSummary } from './conversation-store.js'
import { openPostgresStore } from './postgres/postgres-store.js'
import { openSqliteStore } from './sqlite/sqlite-store.js'
import type { Store } from './store.js'
import { DAY_MS, HOUR_MS } from './time-buckets.js'
import { enforcement } from '../control/engine.js'
import { eraseRange } from '../../../../test/helpers/erasure.js'

const dir = mkdtempSync(join(tmpdir(), 'agenttrail-conversations-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const migration = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8')
const TABLES = ['conversation_spans', 'conversation_env_spans', 'conversation_members']
const START = Date.parse('2026-06-01T00:00:00Z')
const FILTERS: ConversationFilter[] = [
  {},
  { environment: 'staging' },
  { agent: 'b' },
  { model: 'm2', environment: 'production' },
  { from: START + DAY_MS, to: START + 2 * DAY_MS },
]

/** 25 conversations over three days in two orgs, then a delete, so the summary has been both grown and shrunk. */
async function seed(store: Store): Promise<void> {
  const rand = seeded(5)
  for (const orgId of ['org-a', 'org-b']) {
    const events = Array.from({ length: 150 }, () => ({
      ts: START + Math.floor(rand() * 3 * DAY_MS),
      conversation_id: `c-${Math.floor(rand() * 25)}`,
      environment: rand() < 0.3 ? 'staging' : 'production',
      agent: rand() < 0.9 ? ['a', 'b', 'c'][Math.floor(rand() * 3)] : undefined,
      model: rand() < 0.5 ? `m${1 + Math.floor(rand() * 2)}` : undefined,
    }))
    await store.events.append(events.map((fields) => ({ orgId, event: newEvent(fields) })))
  }
  await eraseRange(store, 'org-a', { from: START + DAY_MS, to: START + DAY_MS + 6 * HOUR_MS })
}

async function answers(store: Store): Promise<ConversationSummary[][]> {
  const out = []
  for (const orgId of ['org-a', 'org-b'])
    for (const filter of FILTERS)
      out.push((await store.conversations.list(orgId, filter, { limit: 100 })).items)
  return out
}

/**
 * What an existing database gets from the conversation summary migration: the same answers as the
 * summary the append and delete paths kept. The migration's SQL is run again on a database whose
 * summary tables were dropped.
 */
describe('the conversation summary migration on an existing database', () => {
  it('backfills the summary from the events on SQLite (005)', async () => {
    const path = join(dir, 'backfill.db')
    const before = openSqliteStore({ path, enforce: enforcement })
    await seed(before)
    const expected = await answers(before)
    await before.close()
    expect(expected[0]!.length).toBeGreaterThan(10)
    const db = new Database(path)
    for (const table of TABLES) db.exec(`DROP TABLE ${table}`)
    db.exec(migration('./sqlite/migrations/005_conversations.sql'))
    db.close()
    const store = openSqliteStore({ path, enforce: enforcement })
    try {
      expect(await answers(store)).toEqual(expected)
    } finally {
      await store.close()
    }
  })

  it('backfills the summary from the events on PostgreSQL (006)', async () => {
    const url = await freshDatabase()
    const before = await openPostgresStore({ url, enforce: enforcement })
    await seed(before)
    const expected = await answers(before)
    await before.close()
    expect(expected[0]!.length).toBeGreaterThan(10)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      for (const table of TABLES) await client.query(`DROP TABLE ${table}`)
      await client.query(migration('./postgres/migrations/006_conversations.sql'))
    } finally {
      await client.end()
    }
    const store = await openPostgresStore({ url, enforce: enforcement })
    try {
      expect(await answers(store)).toEqual(expected)
    } finally {
      await store.close()
    }
  })
})
