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
      onDb(`DROP TABLE log_leaves; DROP TABLE log_openings; DROP TABLE log_nodes;
        DROP TABLE log_heads; DROP TABLE log_checkpoints; DROP TABLE log_keys;
        PRAGMA user_version = 12;`),
    exec: async (sql) => onDb(sql),
  }
})
