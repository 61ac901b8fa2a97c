import pg from 'pg'
import { freshDatabase } from '../../../../../test/helpers/postgres.js'
import { enforcement } from '../../control/engine.js'
import { describeLogBackfill } from '../log-backfill.contract.js'
import { openPostgresStore } from './postgres-store.js'

describeLogBackfill('postgres', async () => {
  const url = await freshDatabase()
  const onDb = async (sql: string) => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  return {
    open: () => openPostgresStore({ url, enforce: enforcement }),
    rewind: () =>
      onDb(`DROP TABLE log_leaves, log_openings, log_nodes, log_heads, log_checkpoints, log_keys;
        DROP FUNCTION log_append_only(); DROP FUNCTION log_checkpoint_no_shrink();
        DROP FUNCTION log_key_retire_only(); DELETE FROM schema_migrations WHERE version >= 14;`),
    exec: onDb,
  }
})
