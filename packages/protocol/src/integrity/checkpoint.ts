import { HASH_SIZE } from './merkle.js'

/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text of a log's signed tree
 * head: the origin line, the tree size in decimal, the root hash in base64, each ending in a newline.
 */
export class CheckpointError extends Error {
  override name = 'CheckpointError'
}

export interface Checkpoint {
  origin: string
  size: number
  root: Buffer
  /** Extension lines after the root, if any (this log writes none). */
  extensions: string[]
}

export function checkpointBody(origin: string, size: number, root: Uint8Array): string {
  if (origin.length === 0 || /[\n\r]/u.test(origin)) throw new CheckpointError('bad origin line')
  if (!Number.isSafeInteger(size) || size < 0) throw new CheckpointError(`bad tree size ${size}`)
  if (root.length !== HASH_SIZE) throw new CheckpointError('a root hash is 32 bytes')
  return `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`
}

export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new CheckpointError('a checkpoint ends with a newline')
  const lines = body.slice(0, -1).split('\n')
  if (lines.length < 3) throw new CheckpointError('a checkpoint has an origin, a size and a root')
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]]
  if (origin.length === 0) throw new CheckpointError('a checkpoint has an empty origin')
  if (!/^(0|[1-9][0-9]{0,15})$/u.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new CheckpointError(`"${sizeText}" is not a tree size`)
  const root = Buffer.from(rootText, 'base64')
  if (root.length !== HASH_SIZE || root.toString('base64') !== rootText)
    throw new CheckpointError(`"${rootText}" is not a base64 SHA-256 root`)
  if (extensions.some((line) => line.length === 0))
    throw new CheckpointError('a checkpoint has an empty line')
  return { origin, size: Number(sizeText), root, extensions }
}
