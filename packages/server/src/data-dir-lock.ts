import { mkdirSync, rmSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError'
}

/** The lock file in the data folder. */
const LOCK_FILE = 'agenttrail.lock'

export interface DataDirLockOptions {
  /**
   * How long to wait for a holder that is exiting: the kernel releases its lock only once the
   * process has closed its files, which a server killed in the middle of an fsync may take a moment
   * to do. Default 3000 ms.
   */
  waitMs?: number
}

/**
 * Makes sure one server process owns a data folder: the embedded database has one writer, and
 * per-process state (rate-limit buckets) is only correct when no other server shares the data.
 *
 * The lock is SQLite's exclusive lock on `agenttrail.lock`, an empty database held in an open
 * `BEGIN EXCLUSIVE` transaction: an OS file lock (fcntl on POSIX, LockFileEx on Windows) that the
 * kernel releases when the holder exits in any way, SIGKILL included. No pid is recorded, so a
 * crash never leaves a lock behind and a recycled pid never blocks a start. Returns the release
 * function.
 */
export function lockDataDir(dataDir: string, options: DataDirLockOptions = {}): () => void {
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, LOCK_FILE)
  const waitMs = options.waitMs ?? 3_000
  let db: Database.Database
  try {
    db = hold(path, waitMs, dataDir)
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'SQLITE_NOTADB') throw error
    // Something else was written there (a pid, say). No server holds such a file: a holder's lock
    // comes before any read, so a live one would have answered SQLITE_BUSY. Its content is unused.
    truncateSync(path)
    db = hold(path, waitMs, dataDir)
  }
  // The pid file of earlier versions means nothing now; leaving it would only mislead.
  rmSync(join(dataDir, 'agenttrail.pid'), { force: true })
  let held = true
  return () => {
    if (!held) return
    held = false
    db.close()
  }
}

/** Opens the lock file and takes its exclusive lock, waiting up to `waitMs` for a holder. */
function hold(path: string, waitMs: number, dataDir: string): Database.Database {
  const db = new Database(path, { timeout: waitMs })
  try {
    db.exec('BEGIN EXCLUSIVE')
    return db
  } catch (error) {
    db.close()
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY')
      throw new DataDirLockedError(
        `another AgentTrail server is using ${dataDir} (it holds ${LOCK_FILE}); stop it or choose another --data-dir`,
      )
    throw error
  }
}
