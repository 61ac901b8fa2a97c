import { freshDatabase } from '../../../../../test/helpers/postgres.js'
import { describeStoreContract } from '../store.contract.js'
import { openPostgresStore } from './postgres-store.js'
import { enforcement } from '../../control/engine.js'

describeStoreContract('postgres', async () =>
  openPostgresStore({ url: await freshDatabase(), enforce: enforcement }),
)
