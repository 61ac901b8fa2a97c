import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import Database from 'better-sqlite3'
import { describeErasureContract } from '../erasure.contract.js'
import { describeStoreContract } from '../store.contract.js'
import { openSqliteStore } from './sqlite-store.js'
import { enforcement } from '../../control/engine.js'

const dir = mkdtempSync(join(tmpdir(), 'agenttrail-store-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeStoreContract('sqlite in memory, inline writer', () =>
  openSqliteStore({ path: ':memory:', enforce: enforcement }),
)
describeStoreContract('sqlite file, writer thread', () =>
  openSqliteStore({ path: join(dir, `store-${n++}.db`), enforce: enforcement }),
)
describeErasureContract('sqlite file, writer thread', async () => {
  const path = join(dir, `store-${n++}.db`)
  return {
    store: openSqliteStore({ path, enforce: enforcement }),
    // A second connection adds the trigger; the writer's statements see the new schema.
    failTombstones: async () => {
      const db = new Database(path)
      db.exec(`CREATE TRIGGER fail_tombstones BEFORE INSERT ON events WHEN NEW.action = 'log.erasure'
        BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
      db.close()
    },
  }
})
