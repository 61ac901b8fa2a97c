// The stores alone, for bench/limits-bench.js: each variant is a fresh database with the real
// migrations, written one transaction of rows at a time with the durability the product has (an
// fsync at every commit), no HTTP and no validation. `write(chunk)` returns the milliseconds of
// wall time its transaction took; building the rows and their COPY text is the caller's, untimed.
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ROOT, freshDatabase } from './cli-server.js'

const dist = (p) => import(join(ROOT, 'packages/server/dist', p))

/** The columns of an events row, quoted, in `EVENT_COLUMNS` order. */
export async function eventColumns() {
  const { EVENT_COLUMNS } = await dist('store/event-row.js')
  return EVENT_COLUMNS.map((c) => `"${c}"`).join(', ')
}

/**
 * A SQLite variant in `dir`: `indexes` false drops every secondary index of `events` (the floor);
 * `fts` also inserts each row's search text into `events_fts` in the same transaction, keyed by the
 * row's rowid as the product's indexer (sqlite-fts.ts) keys it.
 */
export async function sqliteVariant(dir, name, { indexes, fts }) {
  const { openSqliteDb } = await dist('store/sqlite/sqlite-db.js')
  const { migrateSqlite } = await dist('store/sqlite/sqlite-migrate.js')
  const columns = await eventColumns()
  const db = openSqliteDb(join(dir, `${name}.db`))
  migrateSqlite(db)
  const durable =
    db.pragma('journal_mode', { simple: true }) === 'wal' &&
    db.pragma('synchronous', { simple: true }) === 2
  if (!durable) throw new Error('SQLite limits: expected WAL with synchronous = FULL')
  const secondary = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL",
    )
    .pluck()
    .all()
  if (!indexes) for (const index of secondary) db.exec(`DROP INDEX "${index}"`)
  const values = `VALUES (${columns.split(', ').map(() => '?')})`
  // The product's statement (sqlite-append.ts); its ON CONFLICT needs the unique index the floor drops.
  const insert = db.prepare(
    `INSERT INTO events (${columns}) ${values}${indexes ? ' ON CONFLICT (org_id, id) DO NOTHING' : ''}`,
  )
  const insertText = db.prepare('INSERT INTO events_fts (rowid, body) VALUES (?, ?)')
  const transaction = db.transaction((rows, texts) => {
    rows.forEach((row, i) => {
      const { lastInsertRowid } = insert.run(...row)
      if (fts) insertText.run(lastInsertRowid, texts[i])
    })
  })
  return {
    indexes: indexes ? secondary.length : 0,
    write(chunk) {
      const t0 = performance.now()
      transaction(chunk.rows, chunk.texts)
      return performance.now() - t0
    },
    /** The rows stored, how many of them the full-text index finds by `word`, and the row of `seq`'s text. */
    check(word, seq) {
      const one = (sql, ...params) =>
        db
          .prepare(sql)
          .pluck()
          .get(...params)
      return {
        rows: one('SELECT count(*) FROM events'),
        found: one('SELECT count(*) FROM events_fts WHERE events_fts MATCH ?', word),
        title: one('SELECT title FROM events WHERE seq = ?', seq),
        input: one('SELECT input FROM events WHERE seq = ?', seq),
      }
    },
    close: () => db.close(),
  }
}

/**
 * A PostgreSQL variant, a new database on `pgBase`. `staged` false: COPY straight into `events`
 * with an empty search vector. `staged` true: COPY into a temporary table (not WAL-logged, emptied at
 * commit), then one INSERT … SELECT into `events` in the same transaction, computing the vector with
 * `to_tsvector('simple', text)` as postgres-append.ts does when `vector`, else an empty one. COPY
 * cannot call a function, hence the detour; the staged variant without the vector measures it.
 * `gin` false drops the GIN index on the vector.
 */
export async function postgresVariant(pgBase, name, { staged, vector, gin }) {
  const pg = (await import('pg')).default
  const { from: copyFrom } = (await import('pg-copy-streams')).default
  const { migratePostgres } = await dist('store/postgres/postgres-migrate.js')
  const columns = await eventColumns()
  const url = await freshDatabase(pgBase, `agenttrail_limits_${process.pid}_${name}`)
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  await migratePostgres(pool)
  const client = await pool.connect()
  if (!gin) await client.query('DROP INDEX events_search')
  if (staged)
    await client.query(
      `CREATE TEMPORARY TABLE staging ON COMMIT DELETE ROWS AS SELECT ${columns}, ''::text AS search FROM events WITH NO DATA`,
    )
  const copy = `COPY ${staged ? 'staging' : 'events'} (${columns}, search) FROM STDIN`
  const move = `INSERT INTO events (${columns}, search)
    SELECT ${columns}, ${vector ? "to_tsvector('simple', search)" : "''::tsvector"} FROM staging`
  return {
    async write(chunk) {
      const t0 = performance.now()
      await client.query('BEGIN')
      await pipeline(
        Readable.from([staged ? chunk.copyWithText : chunk.copyEmpty]),
        client.query(copyFrom(copy)),
      )
      if (staged) await client.query(move)
      await client.query('COMMIT')
      return performance.now() - t0
    },
    /** The rows stored, how many of them the search vector finds by `word`, and the row of `seq`'s text. */
    async check(word, seq) {
      const one = async (sql, params) => Object.values((await client.query(sql, params)).rows[0])[0]
      return {
        rows: Number(await one('SELECT count(*) FROM events')),
        found: Number(
          await one("SELECT count(*) FROM events WHERE search @@ to_tsquery('simple', $1)", [word]),
        ),
        title: await one('SELECT title FROM events WHERE seq = $1', [seq]),
        input: await one('SELECT input FROM events WHERE seq = $1', [seq]),
      }
    },
    async close() {
      client.release()
      await pool.end()
    },
  }
}

/** The server settings that decide durability: what a commit waits for. */
export async function postgresDurability(pgBase) {
  const pg = (await import('pg')).default
  const client = new pg.Client({ connectionString: pgBase })
  await client.connect()
  try {
    const show = async (name) => (await client.query(`SHOW ${name}`)).rows[0][name]
    const settings = {}
    for (const name of ['fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes'])
      settings[name] = await show(name)
    if (settings.fsync !== 'on' || settings.synchronous_commit !== 'on')
      throw new Error('PostgreSQL limits: expected fsync = on and synchronous_commit = on')
    return settings
  } finally {
    await client.end()
  }
}

const ESCAPES = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** One field of COPY's text format: `\N` for null, and backslash, tab and line ends escaped. */
export function copyField(value) {
  if (value === null || value === undefined) return '\\N'
  return String(value).replace(/[\\\t\n\r]/g, (c) => ESCAPES[c])
}
