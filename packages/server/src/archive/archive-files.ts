import { mkdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { countArchiveLines } from './archive-read.js'
import {
  fileStamp,
  gzipFile,
  ignoreMissing,
  names,
  unlinkIfThere,
  writeWhole,
} from './archive-fs.js'

/** One day's archive file as `LogsList` reports it. */
export interface ArchiveEntry {
  /** `YYYY-MM-DD`, UTC. */
  date: string
  /** Bytes on disk (compressed bytes when `compressed`). */
  sizeBytes: number
  compressed: boolean
}

/** Which files of one day are on disk. Both at once only briefly (see `gzipFile`) or after a crash. */
export interface ArchiveDay {
  plain: boolean
  gz: boolean
}

/** An archive file to read. */
export interface ArchiveFile {
  path: string
  compressed: boolean
}

const FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl(\.gz)?$/

/**
 * The daily activity archives on disk: `<dataDir>/archives/<org>/<agent guid>/<YYYY-MM-DD>.jsonl`,
 * gzipped to `.jsonl.gz` once old. Every file appears whole or not at all (temporary file, fsync,
 * rename). When both forms of a day exist the plain one is the newer (a day is rewritten plain and
 * then gzipped again), so it is the one read. Callers pass validated dates and guids.
 *
 * The files are a copy derived from the store, which stays the truth (see `runArchive`). Each
 * instance remembers the line count of the files it wrote or counted, keyed by the file's inode,
 * size and modification time, so the archive job reads an unchanged file at most once.
 */
export function createArchiveFiles(dataDir: string) {
  const root = join(dataDir, 'archives')
  const lineCounts = new Map<string, { stamp: string; lines: number }>()
  const orgDir = (orgId: string) => join(root, orgSegment(orgId))
  const dirOf = (orgId: string, guid: string) => join(orgDir(orgId), guid)
  const plainPath = (orgId: string, guid: string, date: string) =>
    join(dirOf(orgId, guid), `${date}.jsonl`)
  const remember = async (path: string, lines: number) => {
    const stamp = await fileStamp(path)
    if (stamp) lineCounts.set(path, { stamp, lines })
  }

  /** The agent's days on disk. */
  async function days(orgId: string, guid: string): Promise<Map<string, ArchiveDay>> {
    const byDate = new Map<string, ArchiveDay>()
    for (const name of await names(dirOf(orgId, guid))) {
      const match = FILE.exec(name)
      if (!match) continue
      const date = match[1] as string
      const day = byDate.get(date) ?? { plain: false, gz: false }
      if (match[2] === undefined) day.plain = true
      else day.gz = true
      byDate.set(date, day)
    }
    return byDate
  }

  /** Deletes the day's files; says which existed. */
  async function remove(
    orgId: string,
    guid: string,
    date: string,
  ): Promise<{ plain: boolean; gz: boolean }> {
    const plain = plainPath(orgId, guid, date)
    lineCounts.delete(plain)
    lineCounts.delete(`${plain}.gz`)
    return { plain: await unlinkIfThere(plain), gz: await unlinkIfThere(`${plain}.gz`) }
  }

  return {
    root,
    days,
    remove,

    /** The day's file to read, if there is one. */
    async find(orgId: string, guid: string, date: string): Promise<ArchiveFile | undefined> {
      const day = (await days(orgId, guid)).get(date)
      if (!day) return undefined
      const path = plainPath(orgId, guid, date)
      return day.plain ? { path, compressed: false } : { path: `${path}.gz`, compressed: true }
    },

    /** The agent's archive files with their sizes on disk, newest first. */
    async list(orgId: string, guid: string): Promise<ArchiveEntry[]> {
      const entries: ArchiveEntry[] = []
      for (const [date, day] of await days(orgId, guid)) {
        const path = plainPath(orgId, guid, date) + (day.plain ? '' : '.gz')
        const info = await stat(path).catch((error: unknown) => (ignoreMissing(error), undefined))
        if (info) entries.push({ date, sizeBytes: info.size, compressed: !day.plain })
      }
      return entries.sort((a, b) => (a.date < b.date ? 1 : -1))
    },

    /** Orgs with an archive folder. */
    async orgs(): Promise<string[]> {
      return (await names(root)).flatMap((segment) => {
        try {
          return [decodeURIComponent(segment)]
        } catch {
          return [] // not a folder this code made
        }
      })
    },

    /** Guids of the org's agents with an archive folder. */
    agents: (orgId: string): Promise<string[]> => names(orgDir(orgId)),

    /** Lines in the day's file (the plain one when both exist); undefined when it has none. */
    async lines(
      orgId: string,
      guid: string,
      date: string,
      day: ArchiveDay,
    ): Promise<number | undefined> {
      const path = plainPath(orgId, guid, date) + (day.plain ? '' : '.gz')
      const stamp = await fileStamp(path)
      if (!stamp) return undefined
      const known = lineCounts.get(path)
      if (known?.stamp === stamp) return known.lines
      const lines = await countArchiveLines({ path, compressed: !day.plain }).catch(
        (error: unknown) => (ignoreMissing(error), undefined),
      )
      if (lines !== undefined) lineCounts.set(path, { stamp, lines })
      return lines
    },

    /** Writes the day's plain file from `chunks` of JSONL text, replacing any earlier one whole; returns its lines. */
    async write(
      orgId: string,
      guid: string,
      date: string,
      chunks: AsyncIterable<string>,
    ): Promise<number> {
      await mkdir(dirOf(orgId, guid), { recursive: true })
      const target = plainPath(orgId, guid, date)
      const lines = await writeWhole(target, chunks)
      await remember(target, lines)
      return lines
    },

    /** Replaces the day's plain file by its gzipped form; returns its lines, undefined when there was no plain file. */
    async compress(orgId: string, guid: string, date: string): Promise<number | undefined> {
      const plain = plainPath(orgId, guid, date)
      lineCounts.delete(plain)
      const lines = await gzipFile(plain)
      if (lines !== undefined) await remember(`${plain}.gz`, lines)
      return lines
    },

    /** Deletes the org's files of days that start before `before` (Unix ms); returns how many files went. */
    async prune(orgId: string, before: number): Promise<number> {
      let removed = 0
      for (const guid of await names(orgDir(orgId)))
        for (const date of (await days(orgId, guid)).keys())
          if (Date.parse(`${date}T00:00:00Z`) < before) {
            const gone = await remove(orgId, guid, date)
            removed += Number(gone.plain) + Number(gone.gz)
          }
      return removed
    },

    /** Deletes temporary files older than `before` (Unix ms): a crash left them (a write in progress is younger). */
    async sweepTemporary(before: number): Promise<void> {
      for (const org of await names(root))
        for (const guid of await names(join(root, org)))
          for (const name of await names(join(root, org, guid))) {
            if (!name.endsWith('.tmp')) continue
            const path = join(root, org, guid, name)
            const info = await stat(path).catch(() => undefined)
            if (info && info.mtimeMs < before) await unlink(path).catch(() => undefined)
          }
    },
  }
}

export type ArchiveFiles = ReturnType<typeof createArchiveFiles>

/** An org id as one safe path segment: kept as is when it is one, else percent-encoded. */
function orgSegment(orgId: string): string {
  return encodeURIComponent(orgId).replace(/^\./, '%2E')
}
