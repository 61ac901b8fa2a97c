import { describe, expect, it } from 'vitest'
import {
  EMPTY_ROOT,
  Frontier,
  consistencyProof,
  inclusionPath,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js'
import { TD_LEAVES, TD_ROOTS, referenceRoot } from '../../../../test/helpers/integrity-vectors.js'

const LEAVES = TD_LEAVES
const ROOTS = TD_ROOTS
const mth = referenceRoot

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
