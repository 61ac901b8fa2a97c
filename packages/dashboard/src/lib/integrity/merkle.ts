import { sameBytes, sha256, utf8 } from './bytes.js'

/**
 * The RFC 6962 / RFC 9162 Merkle tree hashes and inclusion-proof check, in the browser with
 * WebCrypto's SHA-256: the same construction as `@agenttrail/protocol`'s integrity core, which the
 * dashboard cannot import (it uses `node:crypto`).
 */

export const HASH_SIZE = 32
const LEAF = new Uint8Array([0x00])
const NODE = new Uint8Array([0x01])

/** MTH of one leaf: SHA-256(0x00 ‖ leaf), the leaf's UTF-8 bytes (RFC 9162 §2.1.1). */
export const leafHash = (leaf: string): Promise<Uint8Array> => sha256(LEAF, utf8(leaf))

/** An interior node: SHA-256(0x01 ‖ left ‖ right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Promise<Uint8Array> =>
  sha256(NODE, left, right)

// Sizes go up to 2^53 - 1, past the 32 bits that JavaScript's shift operators work in.
const half = (n: number) => Math.floor(n / 2)
const odd = (n: number) => n % 2 === 1

/**
 * RFC 9162 §2.1.3.2, step by step: whether `proof` (the audit path, leaf to root) proves that the
 * leaf of hash `leaf` is leaf `index` of the tree of `size` leaves whose root is `root`.
 */
export async function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return false
  if (leaf.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return false
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) return false
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r)
      if (!odd(fn))
        while (!odd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
    } else r = await nodeHash(r, p)
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && sameBytes(r, root)
}
