import { createHash } from 'node:crypto'
import { largestPowerOfTwoBelow, nodeHash } from '@agenttrail/protocol/integrity'

/** Published vectors the integrity code is checked against, shared by its tests in every package. */

// transparency-dev/merkle testonly/constants.go: leaves and the roots of their first n.
export const TD_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
]
export const TD_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]

// golang.org/x/mod/sumdb/note: the package's example key and signed note.
export const GO_SKEY =
  'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'
export const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'

/** The 32-byte Ed25519 seed in GO_SKEY (its base64 may itself hold "+"). */
export const goSeed = (): Buffer =>
  Buffer.from(GO_SKEY.split('+').slice(4).join('+'), 'base64').subarray(1)

/** MTH straight from RFC 6962 §2.1, recursively: the reference fast code is checked against. */
export function referenceRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest()
  if (leaves.length === 1) return leaves[0] as Buffer
  const k = largestPowerOfTwoBelow(leaves.length)
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)))
}
