import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { newEvent } from '../../../../../test/helpers/events.js'
import { freshDatabase } from '../../../../../test/helpers/postgres.js'
import { enforcement } from '../../control/engine.js'
import { startCatchUp } from '../../jobs/catch-up.js'
import type { Logger } from '../../log.js'
import type { Store } from '../store.js'
import { appendInTransaction } from './postgres-append.js'
import { SEARCH_TAIL_LIMIT } from './postgres-query.js'
import { SEARCH_STEP_BYTES } from './postgres-search-index.js'
import { newControlsCache } from './postgres-control-ops.js'
import { openPostgresStore } from './postgres-store.js'

const opened: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const x of opened.splice(0).reverse()) await x.close()
})

async function setup() {
  const url = await freshDatabase()
  const store = await openPostgresStore({ url, enforce: enforcement })
  opened.push(store)
  const db = new pg.Pool({ connectionString: url, max: 3 })
  opened.push({ close: () => db.end() })
  /** The seqs of the org's events that have words in the index. */
  const indexed = async (orgId: string) =>
    (
      await db.query<{ seq: string }>(
        'SELECT seq FROM event_search WHERE org_id = $1 ORDER BY seq',
        [orgId],
      )
    ).rows.map((r) => Number(r.seq))
  return { url, store, db, indexed }
}

const event = (title: string, fields: Record<string, unknown> = {}) =>
  newEvent({ agent: 'a', title, ...fields })

const titles = async (store: Store, orgId: string, q: string) =>
  (await store.events.query(orgId, { q }, { limit: 50 })).items.map((e) => e.title).sort()

const indexAll = async (store: Store) => {
  while ((await store.events.indexPending(7)) > 0);
}

describe('the PostgreSQL search index behind the append', () => {
  it('finds an event before the indexer reaches it and after, by the same words', async () => {
    const { store, indexed } = await setup()
    await store.events.append([
      { orgId: 'org-a', event: event('Café au lait', { input: { note: 'résumé sent' } }) },
      { orgId: 'org-a', event: event('plain tea', { output: { text: 'nothing else' } }) },
      { orgId: 'org-a', event: event('user@example.com wrote 3.14') },
    ])
    // Nothing indexed yet: the search matches these events directly.
    expect(await indexed('org-a')).toEqual([])
    const searches = async () => [
      await titles(store, 'org-a', 'cafe'),
      await titles(store, 'org-a', 'RESUME café'),
      await titles(store, 'org-a', 'example 14'),
      await titles(store, 'org-a', 'else tea'),
      await titles(store, 'org-a', 'caf'),
      await titles(store, 'org-a', 'note'),
    ]
    const expected = [
      ['Café au lait'],
      ['Café au lait'],
      ['user@example.com wrote 3.14'],
      ['plain tea'],
      [],
      [], // keys are not searched, only values
    ]
    expect(await searches()).toEqual(expected)
    await indexAll(store)
    expect(await indexed('org-a')).toEqual([1, 2, 3])
    expect(await store.events.indexPending()).toBe(0)
    expect(await searches()).toEqual(expected)
    // Half indexed, half not: one page holds both, in time order.
    await store.events.append([
      { orgId: 'org-a', event: event('cafe again', { ts: Date.now() - 3_600_000 }) },
    ])
    const first = await store.events.query('org-a', { q: 'cafe' }, { limit: 1 })
    expect(first.items.map((e) => e.title)).toEqual(['Café au lait'])
    const second = await store.events.query(
      'org-a',
      { q: 'cafe' },
      { limit: 1, ...(first.next && { after: first.next }) },
    )
    expect(second.items.map((e) => e.title)).toEqual(['cafe again'])
    expect(second.next).toBeUndefined()
    expect(await titles(store, 'org-a', 'cafe')).toEqual(['Café au lait', 'cafe again'])
  })

  it('indexes an event with a word too long for PostgreSQL by its other words', async () => {
    const { store, indexed } = await setup()
    const long = 'z'.repeat(3_000)
    await store.events.append([
      { orgId: 'org-a', event: event('long one', { input: { text: `${long} findme` } }) },
    ])
    await indexAll(store)
    expect(await indexed('org-a')).toEqual([1])
    expect(await titles(store, 'org-a', 'findme')).toEqual(['long one'])
    expect(await titles(store, 'org-a', long)).toEqual([])
  })

  it('never skips an event that committed after events numbered later', async () => {
    const { url, store, indexed } = await setup()
    const held = new pg.Client({ connectionString: url })
    await held.connect()
    opened.push({ close: () => held.end() })
    // The first transaction numbers org-a's events 1 and 2 and stays open.
    await held.query('BEGIN')
    await appendInTransaction(
      held as unknown as pg.PoolClient,
      [
        { orgId: 'org-a', event: event('first held') },
        { orgId: 'org-a', event: event('second held') },
      ],
      newControlsCache(),
      enforcement,
    )
    // Another org's events commit first; so would org-a's next ones, but they wait for its lock.
    await store.events.append([{ orgId: 'org-b', event: event('held elsewhere') }])
    const waiting = store.events.append([{ orgId: 'org-a', event: event('third held') }])
    await indexAll(store)
    expect(await indexed('org-b')).toEqual([1])
    expect(await indexed('org-a')).toEqual([])
    await held.query('COMMIT')
    expect((await waiting)[0]?.seq).toBe(3)
    await indexAll(store)
    expect(await indexed('org-a')).toEqual([1, 2, 3])
    expect(await titles(store, 'org-a', 'held')).toEqual([
      'first held',
      'second held',
      'third held',
    ])
  })

  it('is shared by server processes without indexing an event twice or skipping one', async () => {
    const { url, store, db } = await setup()
    const other = await openPostgresStore({ url, enforce: enforcement })
    opened.push(other)
    const orgs = ['org-a', 'org-b', 'org-c']
    for (let batch = 0; batch < 4; batch++)
      await store.events.append(
        Array.from({ length: 30 }, (_, i) => ({
          orgId: orgs[i % orgs.length] as string,
          event: event(`shared word${batch}x${i}`),
        })),
      )
    // Both index at once, in small steps; a second insert of one event's words would fail its key.
    const drain = async (s: Store) => {
      let total = 0
      for (let n = -1; n !== 0; total += n) n = await s.events.indexPending(5)
      return total
    }
    const [a, b] = await Promise.all([drain(store), drain(other)])
    expect(a + b).toBe(120)
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM event_search')
    expect(Number(rows[0]?.n)).toBe(120)
    for (const orgId of orgs) expect(await titles(other, orgId, 'shared')).toHaveLength(40)
  })

  it('takes an erased event out of the index in the erasure', async () => {
    const { store, db, indexed } = await setup()
    const [kept, gone, unindexed] = [
      event('secret kept', { user: 'kim' }),
      event('secret gone', { user: 'lee' }),
      event('secret later', { user: 'lee' }),
    ]
    await store.events.append([kept, gone].map((e) => ({ orgId: 'org-a', event: e })))
    await indexAll(store)
    await store.events.append([{ orgId: 'org-a', event: unindexed }])
    const erased = await store.events.erase(
      'org-a',
      { from: 0, to: Date.now() + 60_000, user: 'lee' },
      { actor: 'test', reason: 'request', selector: { by: 'user' }, requestRef: null },
    )
    expect(erased.erased).toBe(2)
    // Only the kept event's words stay, and the indexer does not bring the erased ones back.
    expect(await indexed('org-a')).toEqual([1])
    await indexAll(store)
    const words = await db.query<{ seq: string }>(
      "SELECT seq FROM event_search WHERE org_id = 'org-a' AND search @@ 'lee | gone | later'::tsquery",
    )
    expect(words.rows).toEqual([])
    expect(await titles(store, 'org-a', 'secret')).toEqual(['secret kept'])
  })

  it('answers 503 search_index_behind while more events than it matches directly wait, then finds them', async () => {
    const { store } = await setup()
    for (let i = 0; i <= SEARCH_TAIL_LIMIT; i += 1_000)
      await store.events.append(
        Array.from({ length: Math.min(1_000, SEARCH_TAIL_LIMIT + 1 - i) }, (_, j) => ({
          orgId: 'org-a',
          event: event(i + j === 0 ? 'needle first' : `hay ${i + j}`),
        })),
      )
    // Filters that keep none of the tail do not hide that it is too long to search.
    for (const filter of [{ q: 'needle' }, { q: 'needle', agent: 'nobody' }])
      await expect(store.events.query('org-a', filter, { limit: 5 })).rejects.toMatchObject({
        code: 'search_index_behind',
        status: 503,
      })
    await store.events.indexPending(SEARCH_TAIL_LIMIT + 1)
    expect(await titles(store, 'org-a', 'needle')).toEqual(['needle first'])
  })

  it('lets one org whose indexing fails hold back no other, and reports the failure', async () => {
    const { store, db, indexed } = await setup()
    await db.query(`CREATE FUNCTION refuse_bad() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
      CREATE TRIGGER refuse_bad BEFORE INSERT ON event_search FOR EACH ROW
        WHEN (NEW.org_id = 'org-bad') EXECUTE FUNCTION refuse_bad();`)
    // org-bad is the most behind, so the indexer takes it first.
    await store.events.append(
      Array.from({ length: 5 }, (_, i) => ({ orgId: 'org-bad', event: event(`bad ${i}`) })),
    )
    await store.events.append([{ orgId: 'org-good', event: event('good one') }])
    await expect(store.events.indexPending(100)).rejects.toThrow()
    expect(await indexed('org-good')).toEqual([1])
    expect(await indexed('org-bad')).toEqual([])
  })

  it('reads at most about SEARCH_STEP_BYTES of text per step, and goes on from there', async () => {
    const { store, db, indexed } = await setup()
    const big = 'x'.repeat(250_000)
    const n = Math.ceil(SEARCH_STEP_BYTES / 250_000) + 5
    for (let i = 0; i < n; i += 10)
      await store.events.append(
        Array.from({ length: Math.min(10, n - i) }, (_, j) => ({
          orgId: 'org-a',
          event: event(`big ${i + j}`, { input: big }),
        })),
      )
    const first = await store.events.indexPending(500)
    expect(first).toBeGreaterThan(1)
    expect(first).toBeLessThan(n)
    const cursor = async () =>
      Number(
        (await db.query<{ seq: string }>("SELECT seq FROM search_cursors WHERE org_id = 'org-a'"))
          .rows[0]?.seq,
      )
    expect(await cursor()).toBe(first)
    await indexAll(store)
    expect(await cursor()).toBe(n)
    expect(await indexed('org-a')).toEqual(Array.from({ length: n }, (_, i) => i + 1))
  })

  it('catches up with steady appends (the catch-up job, polled)', async () => {
    const { db, store } = await setup()
    const quiet = () => undefined
    const logger: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet }
    const job = startCatchUp(store.events, { intervalMs: 20, logger })
    opened.push({ close: () => job.stop() })
    for (let batch = 0; batch < 10; batch++)
      await store.events.append(
        Array.from({ length: 50 }, (_, i) => ({
          orgId: 'org-a',
          event: event(`steady ${batch} ${i}`),
        })),
      )
    const lag = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            "SELECT o.next_seq - 1 - coalesce(c.seq, 0) AS n FROM orgs o LEFT JOIN search_cursors c ON c.org_id = o.id WHERE o.id = 'org-a'",
          )
        ).rows[0]?.n,
      )
    await expect.poll(lag, { timeout: 60_000, interval: 50 }).toBe(0)
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM event_search')
    expect(Number(rows[0]?.n)).toBe(500)
  })
})
