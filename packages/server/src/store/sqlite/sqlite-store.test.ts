import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
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
