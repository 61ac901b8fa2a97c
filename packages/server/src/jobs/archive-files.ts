import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'

/** One day's archive file as `LogsList` reports it. */
export interface ArchiveEntry {
  /** `YYYY-MM-DD`, UTC. */
  date: string
  /** Bytes on disk (compressed bytes when `compressed`). */
  sizeBytes: number
  compressed: boolean
}

const FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl(\.gz)?$/

/**
 * The daily activity archives on disk: `<dataDir>/archives/<org>/<agent guid>/<YYYY-MM-DD>.jsonl`,
 * gzipped to `.jsonl.gz` once old. Every file appears whole or not at all: it is written to a
 * temporary file, flushed to disk, then renamed. Callers pass validated dates and guids.
 */
export function createArchiveFiles(dataDir: string) {
  const root = join(dataDir, 'archives')
  const dirOf = (orgId: string, guid: string) => join(root, orgSegment(orgId), guid)
  const plainPath = (orgId: string, guid: string, date: string) => join(dirOf(orgId, guid), `${date}.jsonl`)

  /** The day's file to read: the gzipped one when both exist (a gzip was cut short after its rename). */
  async function find(orgId: string, guid: string, date: string): Promise<{ path: string; compressed: boolean } | undefined> {
    const plain = plainPath(orgId, guid, date)
    if (await exists(`${plain}.gz`)) return { path: `${plain}.gz`, compressed: true }
    if (await exists(plain)) return { path: plain, compressed: false }
    return undefined
  }

  return {
    root,
    find,

    /** The agent's archive files, newest first. */
    async list(orgId: string, guid: string): Promise<ArchiveEntry[]> {
      const byDate = new Map<string, ArchiveEntry>()
      for (const name of await names(dirOf(orgId, guid))) {
        const match = FILE.exec(name)
        if (!match) continue
        const date = match[1] as string
        const compressed = match[2] !== undefined
        if (byDate.get(date)?.compressed) continue
        const info = await stat(join(dirOf(orgId, guid), name)).catch(() => undefined)
        if (info) byDate.set(date, { date, sizeBytes: info.size, compressed })
      }
      return [...byDate.values()].sort((a, b) => (a.date < b.date ? 1 : -1))
    },

    /** Writes the day's plain file from `chunks` of JSONL text, replacing any earlier one whole. */
    async write(orgId: string, guid: string, date: string, chunks: AsyncIterable<string>): Promise<void> {
      await mkdir(dirOf(orgId, guid), { recursive: true })
      const target = plainPath(orgId, guid, date)
      const temp = tempName(target)
      const file = await open(temp, 'w')
      try {
        for await (const chunk of chunks) await file.write(chunk)
        await file.sync()
      } finally {
        await file.close()
      }
      await replace(temp, target)
    },

    /** Replaces the day's plain file by its gzipped form. */
    compress: (orgId: string, guid: string, date: string) => compressFile(plainPath(orgId, guid, date)),

    /** Deletes the day's files; says which existed. */
    async remove(orgId: string, guid: string, date: string): Promise<{ plain: boolean; gz: boolean }> {
      const plain = plainPath(orgId, guid, date)
      const gone = (path: string) =>
        unlink(path).then(
          () => true,
          (error: unknown) => (ignoreMissing(error), false),
        )
      return { plain: await gone(plain), gz: await gone(`${plain}.gz`) }
    },
  }
}

export type ArchiveFiles = ReturnType<typeof createArchiveFiles>

/** Every archive file under `root` with its agent folder: what the daily maintenance walks. */
export async function* walkArchives(root: string): AsyncGenerator<{ dir: string; name: string; date?: string; compressed: boolean }> {
  for (const org of await names(root))
    for (const agent of await names(join(root, org))) {
      const dir = join(root, org, agent)
      for (const name of await names(dir)) {
        const match = FILE.exec(name)
        yield { dir, name, date: match?.[1], compressed: match?.[2] !== undefined }
      }
    }
}

/** Replaces a plain file by its gzipped form (`.gz` beside it); the plain one goes only once the gz is whole. */
export async function compressFile(plain: string): Promise<void> {
  if (!(await exists(`${plain}.gz`))) {
    const temp = tempName(`${plain}.gz`)
    await pipeline(createReadStream(plain), createGzip(), createWriteStream(temp))
    const file = await open(temp, 'r+')
    await file.sync().finally(() => file.close())
    await replace(temp, `${plain}.gz`)
  }
  await unlink(plain).catch(ignoreMissing)
}

const locks = new Map<string, Promise<unknown>>()

/**
 * Runs `fn` alone for `key` (an org, agent and day) in this process, so that the archive job cannot
 * write a day back from events it read just before LogsDelete removed them and the file.
 */
export function lockDay<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve()
  const run = previous.then(fn)
  const settled = run.then(
    () => undefined,
    () => undefined,
  )
  locks.set(key, settled)
  void settled.then(() => {
    if (locks.get(key) === settled) locks.delete(key)
  })
  return run
}

/** An org id as one safe path segment: kept as is when it is one, else percent-encoded. */
function orgSegment(orgId: string): string {
  return encodeURIComponent(orgId).replace(/^\./, '%2E')
}

const tempName = (target: string) => `${target}.${process.pid}.${randomUUID()}.tmp`

/** Renames into place and flushes the folder entry, so the new name survives a crash. */
async function replace(temp: string, target: string): Promise<void> {
  await rename(temp, target)
  const dir = await open(join(target, '..'), 'r')
  await dir.sync().finally(() => dir.close())
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: unknown) => (ignoreMissing(error), []))
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: unknown) => (ignoreMissing(error), false),
  )
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}
