import type { Config } from '../config.js'
import { logKeyPath } from '../config.js'
import { lockDataDir } from '../data-dir-lock.js'
import { openStore } from '../server.js'
import type { LogKeyRotation } from './rotate-log-key.js'
import { rotateLogKey } from './rotate-log-key.js'

/**
 * `agenttrail log rotate-key`: rotates the log signing key of the store `config` names with its
 * servers stopped. The embedded store's data folder is locked for the while (a running server
 * holds the lock: DataDirLockedError); with PostgreSQL the operator stops every server first, and
 * then gives each the new key file. Offline by design: one key signs at a time, every server of a
 * database must sign with the same file, and a rotation is a rare, deliberate act.
 */
export async function rotateLogKeyOffline(config: Config): Promise<LogKeyRotation> {
  const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir, { waitMs: 0 })
  try {
    const store = await openStore(config)
    try {
      return await rotateLogKey(store, { keyFile: logKeyPath(config), origin: config.logOrigin })
    } finally {
      await store.close()
    }
  } finally {
    unlock()
  }
}
