import { describe, expect, it } from 'vitest'
import { decideChecksByOrg } from './checks-by-org.js'

describe('deciding checks that arrived together, one transaction per org', () => {
  it('decides each org’s checks together, in order, and answers each check with its own decision', async () => {
    const runs: string[] = []
    const out = await decideChecksByOrg(
      [
        { orgId: 'a', input: 1 },
        { orgId: 'b', input: 2 },
        { orgId: 'a', input: 3 },
      ],
      async (orgId, inputs) => {
        runs.push(`${orgId}:${inputs.join(',')}`)
        return inputs.map((n) => n * 10)
      },
    )
    expect(out).toEqual([10, 20, 30])
    expect(runs.sort()).toEqual(['a:1,3', 'b:2'])
  })

  it('decides a failed org’s checks alone, never again an org that committed, and gives a failing check its error', async () => {
    const runs: string[] = []
    const out = await decideChecksByOrg(
      [
        { orgId: 'a', input: 1 },
        { orgId: 'b', input: 2 },
        { orgId: 'a', input: 666 },
        { orgId: 'a', input: 4 },
      ],
      async (orgId, inputs) => {
        runs.push(`${orgId}:${inputs.join(',')}`)
        if (inputs.includes(666)) throw new Error('a bad check')
        return inputs.map((n) => n * 10)
      },
    )
    expect(out.slice(0, 2)).toEqual([10, 20])
    expect(out[2]).toBeInstanceOf(Error)
    expect(out[3]).toBe(40)
    expect(runs.sort()).toEqual(['a:1', 'a:1,666,4', 'a:4', 'a:666', 'b:2'])
  })
})
