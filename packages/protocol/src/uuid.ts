import { randomFillSync } from 'node:crypto'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** True for any RFC 9562 UUID in its canonical, lower-case text form. */
export function isUuid(value: string): boolean {
  return UUID.test(value)
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

let lastMs = 0
let counter = 0
// The id's first 15 characters (its time and version) for `prefixMs`: ids of one millisecond share them.
let prefixMs = -1
let prefix = ''
// Random bytes are drawn 4 KiB at a time: one system call per 256 ids instead of one per id.
const pool = Buffer.alloc(4096)
let poolOffset = pool.length

/**
 * A UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
 * from one process strictly increasing within the same millisecond, then random bits.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now
    counter = 0
  } else {
    counter = (counter + 1) & 0xfff
    if (counter === 0) lastMs += 1
  }
  if (lastMs !== prefixMs) {
    const time = (lastMs % 2 ** 48).toString(16).padStart(12, '0')
    prefix = `${time.slice(0, 8)}-${time.slice(8)}-7`
    prefixMs = lastMs
  }
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool)
    poolOffset = 0
  }
  // Written out from the pool through a table: no Buffer per id (a third of its cost).
  const r = poolOffset + 8
  poolOffset += 16
  const byte = (i: number) => HEX[pool[r + i] as number] as string
  return (
    `${prefix}${(counter >>> 8).toString(16)}${HEX[counter & 0xff]}-` +
    `${HEX[0x80 | ((pool[r] as number) & 0x3f)]}${byte(1)}-${byte(2)}${byte(3)}${byte(4)}${byte(5)}${byte(6)}${byte(7)}`
  )
}
