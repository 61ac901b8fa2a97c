import { describeStoreContract } from '../store.contract.js'
import { openSqliteStore } from './sqlite-store.js'

describeStoreContract('sqlite', () => openSqliteStore({ path: ':memory:' }))
