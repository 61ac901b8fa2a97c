// A copy of the server's UUIDv7 (packages/protocol/src/uuid.ts) without node:crypto, so the SDK runs
// wherever `crypto.getRandomValues` exists (Node 18+, Bun, Deno, browsers) and imports nothing.

// Char codes of each byte's two hex digits. The id is written as char codes and made into one flat
// string at the end: a template literal of 16 pieces leaves a tree of string fragments per id
// that the garbage collector then has to walk, which tripled the cost of fire().
const HI = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(0))
const LO = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(1))
const DASH = 45
const codes: number[] = Array.from({ length: 36 }, () => DASH)
// Random bytes are drawn 4 KiB at a time: one call per 512 ids instead of one per id.
const pool = new Uint8Array(4096)
let poolOffset = pool.length
let lastMs = 0
let counter = 0

function refill(): void {
  const webCrypto = (globalThis as { crypto?: { getRandomValues?(a: Uint8Array): Uint8Array } })
    .crypto
  if (webCrypto?.getRandomValues) webCrypto.getRandomValues(pool)
  else for (let i = 0; i < pool.length; i++) pool[i] = Math.floor(Math.random() * 256)
  poolOffset = 0
}

function put(position: number, byte: number): void {
  codes[position] = HI[byte] as number
  codes[position + 1] = LO[byte] as number
}

/**
 * A UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, a 12-bit counter that keeps ids from one
 * process increasing within a millisecond, then 62 random bits.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now
    counter = 0
  } else {
    counter = (counter + 1) & 0xfff
    if (counter === 0) lastMs += 1
  }
  if (poolOffset + 8 > pool.length) refill()
  const r = poolOffset
  poolOffset += 8
  const high = Math.floor(lastMs / 0x10000) // the top 32 of the 48 bits
  put(0, high >>> 24)
  put(2, (high >>> 16) & 0xff)
  put(4, (high >>> 8) & 0xff)
  put(6, high & 0xff)
  put(9, (lastMs >>> 8) & 0xff)
  put(11, lastMs & 0xff)
  put(14, 0x70 | (counter >>> 8))
  put(16, counter & 0xff)
  put(19, 0x80 | ((pool[r] as number) & 0x3f))
  for (let i = 1; i < 8; i++) put(i === 1 ? 21 : 20 + 2 * i, pool[r + i] as number)
  return String.fromCharCode.apply(null, codes)
}
