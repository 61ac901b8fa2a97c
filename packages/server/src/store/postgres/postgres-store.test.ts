import { freshDatabase } from '../../../../../test/helpers/postgres.js'
import pg from 'pg'
import { describeErasureContract } from '../erasure.contract.js'
import { describeStoreContract } from '../store.contract.js'
import { openPostgresStore } from './postgres-store.js'
import { enforcement } from '../../control/engine.js'

describeStoreContract('postgres', async () =>
  openPostgresStore({ url: await freshDatabase(), enforce: enforcement }),
)
describeErasureContract('postgres', async () => {
  const url = await freshDatabase()
  return {
    store: await openPostgresStore({ url, enforce: enforcement }),
    failTombstones: async () => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE FUNCTION fail_tombstones() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`)
        await client.query(`CREATE TRIGGER fail_tombstones BEFORE INSERT ON events FOR EACH ROW
          WHEN (NEW.action = 'log.erasure') EXECUTE FUNCTION fail_tombstones()`)
      } finally {
        await client.end()
      }
    },
  }
})
