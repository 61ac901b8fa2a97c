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
      onDb(`DROP TABLE log_leaves, log_nodes, log_checkpoints, log_keys;
        DROP TRIGGER events_log_salt_fixed ON events;
        ALTER TABLE events DROP COLUMN log_salt;
        ALTER TABLE orgs DROP COLUMN log_size, DROP COLUMN log_frontier, DROP COLUMN log_updated_at;
        DROP FUNCTION log_append_only(); DROP FUNCTION log_checkpoint_no_shrink();
        DROP FUNCTION log_key_retire_only(); DELETE FROM schema_migrations WHERE version BETWEEN 14 AND 16;`),
    unplace: () =>
      onDb(`CREATE TABLE log_openings (org_id text NOT NULL, seq bigint NOT NULL, salt bytea NOT NULL,
          PRIMARY KEY (org_id, seq));
        INSERT INTO log_openings SELECT org_id, seq, log_salt FROM events WHERE log_salt IS NOT NULL;
        CREATE TABLE log_heads (org_id text PRIMARY KEY, size bigint NOT NULL, frontier bytea NOT NULL,
          updated_at bigint NOT NULL);
        INSERT INTO log_heads SELECT id, log_size, log_frontier, log_updated_at FROM orgs WHERE log_size > 0;
        DROP TRIGGER events_log_salt_fixed ON events; ALTER TABLE events DROP COLUMN log_salt;
        ALTER TABLE orgs DROP COLUMN log_size, DROP COLUMN log_frontier, DROP COLUMN log_updated_at;
        DELETE FROM schema_migrations WHERE version = 16;`),
    exec: onDb,
  }
})
