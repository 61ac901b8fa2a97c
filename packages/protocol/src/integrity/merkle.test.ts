import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  EMPTY_ROOT,
  Frontier,
  consistencyProof,
  inclusionPath,
  largestPowerOfTwoBelow,
  leafHash,
  nodeHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js'

// transparency-dev/merkle testonly/constants.go: leaves and the roots of their first n.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
]
const ROOTS = [
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

/** MTH straight from RFC 6962 §2.1, recursively: the reference the fast code is checked against. */
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest()
  if (leaves.length === 1) return leaves[0] as Buffer
  const k = largestPowerOfTwoBelow(leaves.length)
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)))
}

const hashes = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`event-${i}`))

describe('RFC 6962 Merkle tree', () => {
  it('reproduces the transparency-dev root vectors for sizes 0 to 8', () => {
    const leaves = LEAVES.map((hex) => leafHash(Buffer.from(hex, 'hex')))
    for (let n = 0; n <= 8; n++) {
      expect(rootOf(leaves.slice(0, n)).toString('hex')).toBe(ROOTS[n])
      expect(mth(leaves.slice(0, n)).toString('hex')).toBe(ROOTS[n])
    }
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0])
  })

  it('gives the 70-leaf root of the checkpoint example', () => {
    expect(rootOf(hashes(70)).toString('base64')).toBe(
      'wNyfycxTyb4kwlDnAWx/HhD6/UjK9SzB5qETJMl/v/U=',
    )
  })

  it('appends on a frontier that restores from its stored edge and reports completed nodes', () => {
    const leaves = hashes(100)
    let frontier = new Frontier()
    for (let i = 0; i < leaves.length; i++) {
      const completed = frontier.append(leaves[i] as Buffer)
      for (const { level, index, hash } of completed) {
        const width = 2 ** level
        expect(hash.equals(mth(leaves.slice(index * width, (index + 1) * width)))).toBe(true)
      }
      expect(frontier.root().equals(mth(leaves.slice(0, i + 1)))).toBe(true)
      frontier = new Frontier(frontier.size, frontier.hashes())
    }
    expect(() => new Frontier(5, [leaves[0] as Buffer])).toThrow(RangeError)
  })

  it('round-trips every inclusion and consistency proof up to 64 leaves', async () => {
    const leaves = hashes(64)
    const range = (lo: number, hi: number) => mth(leaves.slice(lo, hi))
    let checks = 0
    for (let n = 1; n <= 64; n++) {
      const root = mth(leaves.slice(0, n))
      for (let m = 0; m < n; m++) {
        const path = await inclusionPath(m, n, range)
        expect(verifyInclusion(leaves[m] as Buffer, m, n, path, root)).toBe(true)
        expect(verifyInclusion(leaves[(m + 1) % n] as Buffer, m, n, path, root)).toBe(n === 1)
        if (n > 1)
          expect(verifyInclusion(leaves[m] as Buffer, (m + 1) % n, n, path, root)).toBe(false)
        expect(verifyInclusion(leaves[m] as Buffer, m, n, [...path, root], root)).toBe(false)
        if (path.length > 0)
          expect(verifyInclusion(leaves[m] as Buffer, m, n, path.slice(1), root)).toBe(false)
        checks++
      }
      for (let m = 0; m <= n; m++) {
        const proof = await consistencyProof(m, n, range)
        const old = mth(leaves.slice(0, m))
        expect(verifyConsistency(m, n, old, root, proof)).toBe(true)
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, leafHash('fork'), root, proof)).toBe(false)
          expect(verifyConsistency(m, n, old, leafHash('fork'), proof)).toBe(false)
          expect(verifyConsistency(m, n, old, root, proof.slice(0, -1))).toBe(false)
          expect(verifyConsistency(m, n, old, root, [...proof, root])).toBe(false)
          expect(verifyConsistency(n, m, root, old, proof)).toBe(false)
        }
        checks++
      }
    }
    expect(checks).toBe(2080 + 2144)
  })

  it('refuses malformed proofs and ranges', async () => {
    const leaves = hashes(8)
    const root = rootOf(leaves)
    const range = (lo: number, hi: number) => mth(leaves.slice(lo, hi))
    const path = await inclusionPath(3, 8, range)
    expect(
      verifyInclusion(
        leaves[3] as Buffer,
        3,
        8,
        path.map((p) => p.subarray(0, 31)),
        root,
      ),
    ).toBe(false)
    expect(verifyInclusion(leaves[3] as Buffer, 8, 8, path, root)).toBe(false)
    expect(verifyInclusion(leaves[3] as Buffer, -1, 8, path, root)).toBe(false)
    expect(verifyConsistency(0, 8, EMPTY_ROOT, root, [root])).toBe(false)
    expect(verifyConsistency(3, 8, range(0, 3), root, [])).toBe(false)
    await expect(inclusionPath(8, 8, range)).rejects.toThrow(RangeError)
    await expect(consistencyProof(9, 8, range)).rejects.toThrow(RangeError)
  })
})
