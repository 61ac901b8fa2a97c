import type pg from 'pg'
import type { Enforcement } from '../../control/enforcement.js'
import type { ControlStore } from '../control-store.js'
import { createPostgresChecks } from './postgres-checks.js'
import type { ControlsCache } from './postgres-control-ops.js'
import { createPostgresControlReads } from './postgres-control-reads.js'
import { createPostgresControlWrites } from './postgres-control-writes.js'

/**
 * The control plane on PostgreSQL: checks (postgres-checks.ts), reads from the pool
 * (postgres-control-reads.ts) and writes, each in a transaction holding the org row's lock
 * (postgres-control-writes.ts). `cache` holds this process's compiled controls and known agents.
 */
export function createPostgresControl(
  pool: pg.Pool,
  cache: ControlsCache,
  enforce: Enforcement,
): ControlStore {
  return {
    ...createPostgresChecks(pool, cache, enforce),
    ...createPostgresControlReads(pool),
    ...createPostgresControlWrites(pool, cache, enforce),
  }
}
