import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { enforcement } from '../../control/engine.js'
import { describeLogBackfill } from '../log-backfill.contract.js'
import { openSqliteDb } from './sqlite-db.js'
import { openSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'agenttrail-log-backfill-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

/** A database file per test, with the writer thread, as the server runs it. */
describeLogBackfill('sqlite', async () => {
  const path = join(dir, `log-${n++}.db`)
  const onDb = (sql: string) => {
    const db = openSqliteDb(path)
    try {
      db.exec(sql)
    } finally {
      db.close()
    }
  }
  return {
    open: async () => openSqliteStore({ path, enforce: enforcement }),
    rewind: async () =>
      onDb(`DROP TABLE log_leaves; DROP TABLE log_nodes; DROP TABLE log_checkpoints;
        DROP TABLE log_keys; DROP TRIGGER events_log_salt_fixed;
        ALTER TABLE events DROP COLUMN log_salt; ALTER TABLE orgs DROP COLUMN log_size;
        ALTER TABLE orgs DROP COLUMN log_frontier; ALTER TABLE orgs DROP COLUMN log_updated_at;
        PRAGMA user_version = 12;`),
    unplace: async () =>
      onDb(`CREATE TABLE log_openings (org_id TEXT NOT NULL, seq INTEGER NOT NULL, salt BLOB NOT NULL,
          PRIMARY KEY (org_id, seq)) STRICT, WITHOUT ROWID;
        INSERT INTO log_openings SELECT org_id, seq, log_salt FROM events WHERE log_salt IS NOT NULL;
        CREATE TABLE log_heads (org_id TEXT PRIMARY KEY, size INTEGER NOT NULL, frontier BLOB NOT NULL,
          updated_at INTEGER NOT NULL) STRICT;
        INSERT INTO log_heads SELECT id, log_size, log_frontier, log_updated_at FROM orgs WHERE log_size > 0;
        DROP TRIGGER events_log_salt_fixed; ALTER TABLE events DROP COLUMN log_salt;
        ALTER TABLE orgs DROP COLUMN log_size; ALTER TABLE orgs DROP COLUMN log_frontier;
        ALTER TABLE orgs DROP COLUMN log_updated_at; PRAGMA user_version = 14;`),
    exec: async (sql) => onDb(sql),
  }
})
