import type { Bytes, LogCrypto } from './node-crypto.js'

// RFC 9162 §2.1.3.2 and §2.1.4.2: checking an inclusion or a consistency proof of an RFC 6962
// Merkle tree (SHA-256; a leaf hashes as 0x00 ‖ bytes, a node as 0x01 ‖ left ‖ right). The same
// algorithms as @agenttrail/protocol/integrity, written again so that the SDK imports nothing.

const LEAF = new Uint8Array([0x00])
const NODE = new Uint8Array([0x01])

/** SHA-256(0x00 ‖ UTF-8(leaf)): the hash of a leaf as the log committed it. */
export function leafHashOf(crypto: LogCrypto, leaf: string): Bytes {
  return crypto.sha256(LEAF, leaf)
}

const node = (crypto: LogCrypto, left: Uint8Array, right: Uint8Array) =>
  crypto.sha256(NODE, left, right)

const sizeOk = (n: number) => Number.isSafeInteger(n) && n >= 0
const hashesOk = (proof: readonly Uint8Array[]) => proof.every((p) => p.length === 32)

/** True when `proof` shows the leaf hash `leaf` at `index` in the tree of `size` leaves with `root`. */
export function verifyInclusion(
  crypto: LogCrypto,
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!sizeOk(index) || !sizeOk(size) || index >= size || !hashesOk(proof)) return false
  // BigInt: fn and sn go up to 2^53 - 1, past what the 32-bit bit operators hold.
  let fn = BigInt(index)
  let sn = BigInt(size - 1)
  let r: Uint8Array = leaf
  for (const p of proof) {
    if (sn === 0n) return false
    if ((fn & 1n) === 1n || fn === sn) {
      r = node(crypto, p, r)
      if ((fn & 1n) === 0n)
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n
          sn >>= 1n
        }
    } else r = node(crypto, r, p)
    fn >>= 1n
    sn >>= 1n
  }
  return sn === 0n && equal(r, root)
}

/** True when `proof` shows the tree of `second` leaves (`secondRoot`) extends that of `first` (`firstRoot`). */
export function verifyConsistency(
  crypto: LogCrypto,
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!sizeOk(first) || !sizeOk(second) || first > second || !hashesOk(proof)) return false
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot)
  if (first === 0) return proof.length === 0
  if (proof.length === 0) return false
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof]
  let fn = BigInt(first - 1)
  let sn = BigInt(second - 1)
  while ((fn & 1n) === 1n) {
    fn >>= 1n
    sn >>= 1n
  }
  let fr = path[0] as Uint8Array
  let sr = fr
  for (const c of path.slice(1)) {
    if (sn === 0n) return false
    if ((fn & 1n) === 1n || fn === sn) {
      fr = node(crypto, c, fr)
      sr = node(crypto, c, sr)
      if ((fn & 1n) === 0n)
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n
          sn >>= 1n
        }
    } else sr = node(crypto, sr, c)
    fn >>= 1n
    sn >>= 1n
  }
  return equal(fr, firstRoot) && equal(sr, secondRoot) && sn === 0n
}

const isPowerOfTwo = (n: number) => n > 0 && (BigInt(n) & (BigInt(n) - 1n)) === 0n

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}
