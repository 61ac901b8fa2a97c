import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Frontier, consistencyProof, inclusionPath, rootOf } from '@agenttrail/protocol'
import { isStoredLevel, rangeHashFrom, rangeNeeds } from './log-range.js'

/** n leaf hashes, and the nodes a log keeps for them (every 4th level), as the append path makes them. */
function tree(n: number) {
  const leaves = new Map<number, Buffer>()
  const nodes = new Map<string, Buffer>()
  const frontier = new Frontier()
  for (let i = 0; i < n; i++) {
    const leaf = createHash('sha256').update(`leaf ${i}`).digest()
    leaves.set(i, leaf)
    for (const node of frontier.append(leaf))
      if (isStoredLevel(node.level)) nodes.set(`${node.level}:${node.index}`, node.hash)
  }
  return { leaves, nodes, root: frontier.root(), all: [...leaves.values()] }
}

describe('range hashes over every 4th level', () => {
  const t = tree(1_000)

  it('equal the tree built from scratch, for aligned and unaligned ranges', () => {
    for (const [lo, hi] of [
      [0, 1_000],
      [0, 512],
      [512, 1_000],
      [16, 32],
      [96, 128],
      [3, 997],
      [999, 1_000],
      [7, 7],
    ] as const)
      expect(rangeHashFrom(lo, hi, t.leaves, t.nodes).equals(rootOf(t.all.slice(lo, hi)))).toBe(
        true,
      )
    expect(rangeHashFrom(0, 1_000, t.leaves, t.nodes).equals(t.root)).toBe(true)
  })

  it('read a kept node for a subtree at a kept level, and at most 8 hashes for one between', () => {
    expect(rangeNeeds(0, 256)).toEqual({ leaves: [], nodes: [[8, 0]] })
    expect(rangeNeeds(16, 32)).toEqual({ leaves: [], nodes: [[4, 1]] })
    expect(rangeNeeds(0, 8)).toEqual({ leaves: [0, 1, 2, 3, 4, 5, 6, 7], nodes: [] })
    expect(rangeNeeds(128, 256).nodes).toHaveLength(8)
  })

  it('read O(log n) hashes for every proof of a tree of a million leaves', async () => {
    const n = 1_000_003
    let reads = 0
    const counted = (lo: number, hi: number) => {
      const need = rangeNeeds(lo, hi)
      reads += need.leaves.length + need.nodes.length
      return Buffer.alloc(32)
    }
    for (const index of [0, 1, 500_000, 999_999, n - 1]) {
      reads = 0
      await inclusionPath(index, n, counted)
      expect(reads).toBeLessThanOrEqual(8 * 21)
    }
    reads = 0
    await consistencyProof(123_457, n, counted)
    expect(reads).toBeLessThanOrEqual(8 * 2 * 21)
  })

  it('name the hash a log lacks', () => {
    const holed = new Map(t.nodes)
    holed.delete('4:1')
    expect(() => rangeHashFrom(16, 32, t.leaves, holed)).toThrow(/no node 4\/1/)
  })
})
