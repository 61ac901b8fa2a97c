import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { newEvent } from '../../../../../test/helpers/events.js'
import { freshDatabase } from '../../../../../test/helpers/postgres.js'
import { enforcement } from '../../control/engine.js'
import { foldAccents, searchableText } from '../search-text.js'
import { openPostgresStore } from './postgres-store.js'

/**
 * An existing database with the words in `events.search` (migration 001 to 016): migration 017
 * moves them into `event_search` and sets every org's cursor to its head, so nothing is indexed
 * again. The old shape is rebuilt in a migrated database, with the vectors the old append wrote.
 */
describe('the PostgreSQL search migration (017) on an existing database', () => {
  it('moves the words out of the events and finds the events afterwards', async () => {
    const url = await freshDatabase()
    const before = await openPostgresStore({ url, enforce: enforcement })
    await before.events.append([
      { orgId: 'org-a', event: newEvent({ title: 'Déjà vu', input: { text: 'alpha beta' } }) },
      { orgId: 'org-a', event: newEvent({ title: 'gamma', error: { message: 'beta failed' } }) },
      { orgId: 'org-b', event: newEvent({ title: 'beta elsewhere' }) },
      { orgId: 'org-b', event: newEvent({ kind: 'tool_call' }) },
    ])
    await before.close()

    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(`DROP TABLE event_search, search_cursors;
        ALTER TABLE events ADD COLUMN search tsvector;
        DELETE FROM schema_migrations WHERE version >= 17`)
      // What the append wrote before: the folded searchable text, parsed by to_tsvector.
      const { rows } = await client.query<{
        org_id: string
        seq: string
        title: string | null
        input: string | null
        output: string | null
        error: string | null
      }>('SELECT org_id, seq, title, input, output, error FROM events')
      for (const row of rows)
        await client.query(
          "UPDATE events SET search = to_tsvector('simple', $3) WHERE org_id = $1 AND seq = $2",
          [row.org_id, row.seq, foldAccents(searchableText(row))],
        )
      // A vector that is not the event's text shows that vectors are moved, not computed again.
      await client.query(
        "UPDATE events SET search = search || to_tsvector('simple', 'moved') WHERE org_id = 'org-a' AND seq = 2",
      )
      await client.query(`ALTER TABLE events ALTER COLUMN search SET NOT NULL;
        CREATE INDEX events_search ON events USING gin (search)`)
    } finally {
      await client.end()
    }

    const store = await openPostgresStore({ url, enforce: enforcement })
    try {
      // Every org's cursor is at its head: nothing is left to index.
      expect(await store.events.indexPending()).toBe(0)
      const titles = async (orgId: string, q: string) =>
        (await store.events.query(orgId, { q }, { limit: 10 })).items.map((e) => e.title).sort()
      expect(await titles('org-a', 'beta')).toEqual(['Déjà vu', 'gamma'])
      expect(await titles('org-a', 'deja')).toEqual(['Déjà vu'])
      expect(await titles('org-a', 'moved')).toEqual(['gamma'])
      expect(await titles('org-b', 'beta')).toEqual(['beta elsewhere'])
      // New events are indexed behind the append as usual, after the moved ones.
      await store.events.append([{ orgId: 'org-b', event: newEvent({ title: 'beta again' }) }])
      expect(await store.events.indexPending()).toBe(1)
      expect(await titles('org-b', 'beta')).toEqual(['beta again', 'beta elsewhere'])
    } finally {
      await store.close()
    }

    const check = new pg.Client({ connectionString: url })
    await check.connect()
    try {
      const { rows: columns } = await check.query(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'search'",
      )
      expect(columns).toEqual([])
      const { rows: words } = await check.query<{ org_id: string; seq: string }>(
        'SELECT org_id, seq FROM event_search ORDER BY org_id, seq',
      )
      // The event without a word has no row.
      expect(words.map((r) => `${r.org_id}:${r.seq}`)).toEqual([
        'org-a:1',
        'org-a:2',
        'org-b:1',
        'org-b:3',
      ])
    } finally {
      await check.end()
    }
  })
})
