import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { open, readdir, rename, stat, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'

/** A temporary name beside `target`, unique across processes sharing the folder. */
export const tempName = (target: string): string => `${target}.${process.pid}.${randomUUID()}.tmp`

/** Renames into place and flushes the folder entry, so the new name survives a crash. */
export async function replace(temp: string, target: string): Promise<void> {
  await rename(temp, target)
  const dir = await open(dirname(target), 'r')
  await dir.sync().finally(() => dir.close())
}

/** Writes `chunks` to `target` whole or not at all (temporary file, fsync, rename); returns the lines written. */
export async function writeWhole(target: string, chunks: AsyncIterable<string>): Promise<number> {
  const temp = tempName(target)
  const file = await open(temp, 'w')
  let lines = 0
  try {
    for await (const chunk of chunks) {
      lines += countNewlines(chunk)
      await file.write(chunk)
    }
    await file.sync()
  } catch (error) {
    await file.close()
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await file.close()
  await replace(temp, target)
  return lines
}

/**
 * Gzips `plain` to `plain.gz`, replacing any gzipped file there (the plain file is never older than
 * it: a day is rewritten plain, then gzipped again), and only then removes the plain file. Returns
 * the lines gzipped, or undefined when `plain` does not exist (deleted meanwhile).
 */
export async function gzipFile(plain: string): Promise<number | undefined> {
  const target = `${plain}.gz`
  const temp = tempName(target)
  let lines = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (const byte of chunk) if (byte === 0x0a) lines++
      done(null, chunk)
    },
  })
  try {
    await pipeline(createReadStream(plain), counter, createGzip(), createWriteStream(temp))
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    if (isMissing(error)) return undefined
    throw error
  }
  const file = await open(temp, 'r+')
  await file.sync().finally(() => file.close())
  await replace(temp, target)
  await unlink(plain).catch(ignoreMissing)
  return lines
}

/** Deletes a file; false when it did not exist. */
export function unlinkIfThere(path: string): Promise<boolean> {
  return unlink(path).then(
    () => true,
    (error: unknown) => (ignoreMissing(error), false),
  )
}

/** The names in a folder; none when it does not exist or is not a folder (a stray file among the archives). */
export async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') ignoreMissing(error)
    return []
  })
}

/** A file's identity and size, to tell whether it changed since it was last looked at. */
export async function fileStamp(path: string): Promise<string | undefined> {
  const info = await stat(path).catch((error: unknown) => (ignoreMissing(error), undefined))
  return info && `${info.ino}:${info.size}:${info.mtimeMs}`
}

export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

export function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error
}

function countNewlines(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++
  return n
}
