import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LogCheckpoint } from '../store/log-checkpoint-store.js'

/**
 * Writes a checkpoint's note to `<dir>/<org>/<size>-<unix seconds>.note` as a new file (O_EXCL):
 * the mirror only ever gains files, so on append-only storage (a WORM mount, S3 Object Lock
 * through a file gateway) it is a copy of the log's checkpoints that whoever holds the signing key
 * and the database cannot take back. The org id is percent-encoded (dots too), so it is always
 * one plain folder name. Throws the file system's error (EEXIST: that file was written before).
 */
export async function mirrorCheckpoint(dir: string, checkpoint: LogCheckpoint): Promise<string> {
  const folder = join(dir, encodeURIComponent(checkpoint.orgId).replace(/\./g, '%2E'))
  await mkdir(folder, { recursive: true })
  const path = join(folder, `${checkpoint.size}-${Math.floor(checkpoint.createdAt / 1000)}.note`)
  await writeFile(path, checkpoint.note, { flag: 'wx', mode: 0o444 })
  return path
}
