import { createReadStream } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip } from 'node:zlib'
import type { ActivityEvent } from '@agenttrail/protocol'

/** The newest events of one archive file (newest first) and how many lines it holds. */
export interface ArchiveRead {
  events: ActivityEvent[]
  total: number
}

/**
 * Reads a plain or gzipped archive file line by line, keeping only the last `keepLast` lines (the
 * file is oldest first), so memory stays bounded whatever the file's size.
 */
export async function readArchive(
  file: { path: string; compressed: boolean },
  keepLast: number,
): Promise<ArchiveRead> {
  const ring: string[] = []
  let total = 0
  const keep = (line: string) => {
    if (line.trim() === '') return
    if (keepLast > 0) ring[total % keepLast] = line
    total++
  }
  for await (const line of lines(file)) keep(line)
  const kept = Math.min(total, keepLast)
  const events: ActivityEvent[] = []
  for (let i = 1; i <= kept; i++)
    events.push(JSON.parse(ring[(total - i) % keepLast] as string) as ActivityEvent)
  return { events, total }
}

/** Counts the lines of an archive file. */
export async function countArchiveLines(file: {
  path: string
  compressed: boolean
}): Promise<number> {
  return (await readArchive(file, 0)).total
}

async function* lines(file: { path: string; compressed: boolean }): AsyncGenerator<string> {
  const input = createReadStream(file.path)
  const source = file.compressed ? input.pipe(createGunzip()) : input
  // pipe() does not forward a read error; without this the loop below would wait forever.
  if (source !== input) input.once('error', (error) => source.destroy(error))
  const decoder = new StringDecoder('utf8')
  let rest = ''
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk)
    const parts = text.split('\n')
    rest = parts.pop() ?? ''
    yield* parts
  }
  yield rest + decoder.end()
}
