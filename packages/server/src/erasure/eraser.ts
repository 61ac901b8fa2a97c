import { agentGuid } from '@agenttrail/protocol'
import { createArchiveFiles } from '../archive/archive-files.js'
import type { DeleteRange, Store } from '../store/store.js'
import type { Erasure, ErasureRecord } from '../store/tombstone.js'

/** What an erasure did, archive files included. */
export interface ErasureOutcome extends Erasure {
  /** Archive files removed (plain and gzipped count apart). */
  filesRemoved: number
}

/** Every deletion of events: `POST /api/v1/erasures`, `DELETE /api/v1/events/{id}`, Wiro's LogsDelete. */
export interface Eraser {
  erase(orgId: string, range: DeleteRange, record: ErasureRecord): Promise<ErasureOutcome>
}

/**
 * Erases events with their tombstones (`EventStore.erase`, one transaction), then the archive files
 * of the days of each agent whose events went, which hold the erased values too; the archive job
 * writes them again from the store, without them. The store first, the files second: with the
 * archive job's check after each write, no file holding an erased event survives however the two
 * interleave (see runArchive in jobs/archive.ts). A crash between the two leaves files the next
 * erasure of those days, or retention, removes; the tombstone is committed either way.
 */
export function createEraser(deps: { store: Pick<Store, 'events'>; dataDir: string }): Eraser {
  const files = createArchiveFiles(deps.dataDir)
  return {
    async erase(orgId, range, record) {
      const erasure = await deps.store.events.erase(orgId, range, record)
      let filesRemoved = 0
      for (const { environment, agent, day } of erasure.days) {
        const removed = await files.remove(orgId, agentGuid(orgId, environment, agent), day)
        filesRemoved += Number(removed.plain) + Number(removed.gz)
      }
      return { ...erasure, filesRemoved }
    },
  }
}
