import { describe, expect, it } from 'vitest'
import {
  checkpointBody,
  consistencyProof,
  ed25519KeyFromSeed,
  ed25519Signer,
  generateEd25519Pem,
  inclusionPath,
  leafHash,
  rootOf,
  signNote,
  verifierKey,
  verifyConsistency as coreConsistency,
  verifyInclusion as coreInclusion,
} from '@agenttrail/protocol/integrity'
import { leafHashOf, verifyConsistency, verifyInclusion } from './merkle-verify.js'
import { logCrypto } from './node-crypto.js'
import { NoteProblem, openCheckpoint, parseVerifierKey } from './signed-note.js'
import { verifyInclusionProof } from './log-verifier.js'
import { verifyCheckpointHistory } from './checkpoint-history.js'
import { differingFields } from './leaf-compare.js'
import type { LogCheckpoint } from './log-types.js'
import {
  GO_VKEY,
  TD_LEAVES,
  TD_ROOTS,
  goSeed,
  referenceRoot,
} from '../../../../test/helpers/integrity-vectors.js'

// The SDK's copy of the verifiers, checked against the vectors of packages/protocol/src/integrity
// (transparency-dev, Go's note package) and against the core's own proofs and answers.

const crypto = await logCrypto()
const mth = referenceRoot

describe('the SDK verifiers (RFC 9162), against the core', () => {
  it('checks inclusion proofs over the transparency-dev leaves to their published roots', async () => {
    const leaves = TD_LEAVES.map((hex) => leafHash(Buffer.from(hex, 'hex')))
    const range = (lo: number, hi: number) => mth(leaves.slice(lo, hi))
    for (let n = 1; n <= 8; n++)
      for (let m = 0; m < n; m++) {
        const path = await inclusionPath(m, n, range)
        const root = Buffer.from(TD_ROOTS[n] as string, 'hex')
        expect(verifyInclusion(crypto, leaves[m] as Buffer, m, n, path, root)).toBe(true)
        expect(
          verifyInclusion(
            crypto,
            leaves[m] as Buffer,
            m,
            n,
            path,
            Buffer.from(TD_ROOTS[n - 1] as string, 'hex'),
          ),
        ).toBe(false)
      }
  })

  it('answers as the core does for every proof up to 40 leaves, and for altered ones', async () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leafHash(`event-${i}`))
    const range = (lo: number, hi: number) => mth(leaves.slice(lo, hi))
    let agreed = 0
    for (let n = 1; n <= 40; n++) {
      const root = range(0, n)
      for (let m = 0; m < n; m++) {
        const path = await inclusionPath(m, n, range)
        const flipped = path.map((p, i) => (i === 0 ? leafHash('x') : p))
        for (const [leaf, index, proof] of [
          [leaves[m], m, path],
          [leaves[(m + 1) % n], m, path],
          [leaves[m], (m + 1) % n, path],
          [leaves[m], m, flipped],
          [leaves[m], m, path.slice(1)],
          [leaves[m], m, [...path, root]],
          [leaves[m], n, path],
        ] as const) {
          expect(verifyInclusion(crypto, leaf as Buffer, index, n, proof, root)).toBe(
            coreInclusion(leaf as Buffer, index, n, proof, root),
          )
          agreed++
        }
        expect(verifyInclusion(crypto, leaves[m] as Buffer, m, n, path, root)).toBe(true)
      }
      for (let m = 0; m <= n; m++) {
        const proof = await consistencyProof(m, n, range)
        const old = range(0, m)
        for (const [a, b, p] of [
          [old, root, proof],
          [leafHash('fork'), root, proof],
          [old, leafHash('fork'), proof],
          [old, root, proof.slice(0, -1)],
          [old, root, [...proof, root]],
        ] as const) {
          expect(verifyConsistency(crypto, m, n, a, b, p)).toBe(coreConsistency(m, n, a, b, p))
          agreed++
        }
        expect(verifyConsistency(crypto, m, n, old, root, proof)).toBe(true)
        expect(verifyConsistency(crypto, n, m, root, old, proof)).toBe(m === n)
      }
    }
    expect(agreed).toBe(7 * 820 + 5 * 860)
  })

  it('hashes a leaf text as the core does', () => {
    for (const text of ['', '{"event":{"id":"é"},"v":1}', '\u2014 x'])
      expect(leafHashOf(crypto, text).equals(leafHash(text))).toBe(true)
  })
})

describe('the SDK note opener (C2SP signed-note)', () => {
  const signer = ed25519Signer('audit.example/t/acme', generateEd25519Pem())
  const vkey = verifierKey(signer.name, signer.publicKey)
  const root = rootOf([leafHash('a'), leafHash('b'), leafHash('c')])
  const note = signNote(checkpointBody(signer.name, 3, root), signer, 1_765_000_000)

  it("reads Go's example verifier key and refuses altered ones", () => {
    expect(parseVerifierKey(crypto, GO_VKEY)).toMatchObject({
      name: 'PeterNeumann',
      keyId: 'c74f20a3',
    })
    const seed = goSeed()
    const go = ed25519Signer('PeterNeumann', ed25519KeyFromSeed(seed))
    expect(verifierKey(go.name, go.publicKey)).toBe(GO_VKEY)
    for (const bad of ['a+b', GO_VKEY.replace('c74f20a3', 'c74f20a4'), 'x+00000000+AQ=='])
      expect(() => parseVerifierKey(crypto, bad)).toThrow(NoteProblem)
  })

  it('opens a checkpoint the core signed, with its cosignature time', () => {
    const opened = openCheckpoint(crypto, note, [parseVerifierKey(crypto, vkey)])
    expect(opened).toMatchObject({ origin: signer.name, treeSize: 3, signedAt: 1_765_000_000 })
    expect(opened.rootHash.equals(root)).toBe(true)
  })

  it('refuses a changed size, an unknown key, a forged cosignature time and a malformed note', () => {
    const key = [parseVerifierKey(crypto, vkey)]
    expect(() => openCheckpoint(crypto, note.replace('\n3\n', '\n4\n'), key)).toThrow(
      /does not verify/,
    )
    const other = ed25519Signer(signer.name, generateEd25519Pem())
    expect(() =>
      openCheckpoint(crypto, note, [
        parseVerifierKey(crypto, verifierKey(other.name, other.publicKey)),
      ]),
    ).toThrow(/no signature by a known key/)
    const cosig = note.trimEnd().split('\n').at(-1) as string
    const raw = Buffer.from(cosig.split(' ').at(-1) as string, 'base64')
    raw.writeBigUInt64BE(1_765_000_001n, 4)
    const forged = note.replace(cosig, `\u2014 ${signer.name} ${raw.toString('base64')}`)
    expect(() => openCheckpoint(crypto, forged, key)).toThrow(/cosignature .* does not verify/)
    for (const bad of ['no newline', `${checkpointBody(signer.name, 3, root)}`, `${note}junk\n`])
      expect(() => openCheckpoint(crypto, bad, key)).toThrow(NoteProblem)
  })
})

describe('verifyInclusionProof and verifyCheckpointHistory', () => {
  const signer = ed25519Signer('audit.example/t/acme', generateEd25519Pem())
  const vkey = verifierKey(signer.name, signer.publicKey)
  const texts = Array.from({ length: 9 }, (_, i) =>
    JSON.stringify({ event: { id: `e${i + 1}`, seq: i + 1 }, v: 1 }),
  )
  const leaves = texts.map((t) => leafHash(t))
  const range = (lo: number, hi: number) => mth(leaves.slice(lo, hi))
  const noteOf = (size: number, at = 1_765_000_000 + size) =>
    signNote(checkpointBody(signer.name, size, range(0, size)), signer, at)
  const proofOf = async (index: number, size: number) => ({
    leaf_index: index,
    tree_size: size,
    leaf_hash: (leaves[index] as Buffer).toString('base64'),
    leaf: texts[index] as string,
    hashes: (await inclusionPath(index, size, range)).map((h) => h.toString('base64')),
    checkpoint: noteOf(size),
  })

  it('verifies a proof and names what is wrong with altered ones', async () => {
    const proof = await proofOf(4, 9)
    expect(await verifyInclusionProof(proof, [vkey], { eventId: 'e5' })).toMatchObject({
      verified: true,
      problem: null,
      checkpoint: { tree_size: 9, signed_at: new Date(1_765_000_009_000).toISOString() },
    })
    const hashes = [...proof.hashes]
    hashes[1] = leafHash('x').toString('base64')
    const cases: [object, RegExp][] = [
      [{ hashes }, /inclusion proof \(4 hashes\) does not lead from leaf 4/],
      [{ leaf: texts[5] }, /does not hash to the leaf_hash/],
      [
        { leaf: texts[5], leaf_hash: (leaves[5] as Buffer).toString('base64') },
        /seq 6, not of leaf index 4/,
      ],
      [{ tree_size: 8 }, /tree of 8 leaves but its checkpoint signs 9/],
      [
        { checkpoint: proof.checkpoint.replace('\n9\n', '\n10\n') },
        /signature of key .* does not verify/,
      ],
    ]
    for (const [change, reason] of cases) {
      const verdict = await verifyInclusionProof({ ...proof, ...change }, [vkey], { eventId: 'e5' })
      expect(verdict.verified, String(reason)).toBe(false)
      expect(verdict.problem).toMatch(reason)
    }
    expect((await verifyInclusionProof(proof, [vkey], { eventId: 'e4' })).problem).toMatch(
      /is event e5, not e4/,
    )
  })

  it('refuses a checkpoint signed after its key was retired', async () => {
    const key = {
      name: signer.name,
      key_id: parseVerifierKey(crypto, vkey).keyId,
      vkey,
      algorithm: 'ed25519' as const,
      not_before: '2025-01-01T00:00:00.000Z',
      not_after: '2025-12-01T00:00:00.000Z',
    }
    const verdict = await verifyInclusionProof(await proofOf(0, 9), [key])
    expect(verdict.problem).toMatch(/after key .* was retired/)
    expect(
      (await verifyInclusionProof(await proofOf(0, 9), [{ ...key, not_after: null }])).verified,
    ).toBe(true)
  })

  const listed = (size: number, at?: number): LogCheckpoint => ({
    tree_size: size,
    root_hash: range(0, size).toString('base64'),
    created_at: new Date((at ?? 1_765_000_000 + size) * 1000).toISOString(),
    kind: 'growth',
    note: noteOf(size, at),
  })
  const source = (checkpoints: LogCheckpoint[], alter?: (h: string[]) => string[]) => ({
    calls: 0,
    async logCheckpoints(query: { cursor?: string; limit?: number }) {
      const from = Number(query.cursor ?? 0)
      const page = checkpoints.slice(from, from + (query.limit ?? 100))
      const next = from + page.length
      return { checkpoints: page, next_cursor: next < checkpoints.length ? String(next) : null }
    },
    async consistencyProof(first: number, second: number) {
      this.calls++
      const hashes = (await consistencyProof(first, second, range)).map((h) => h.toString('base64'))
      return { first, second, hashes: alter ? alter(hashes) : hashes }
    },
  })

  it('walks a history with heartbeats and pages, and finds forks, rollbacks and bad proofs', async () => {
    const history = [listed(1), listed(3), listed(3, 1_765_100_000), listed(6), listed(9)]
    const good = source(history)
    expect(await verifyCheckpointHistory(good, [vkey], { limit: 2 })).toMatchObject({
      verified: true,
      checked: 2,
      truncated: true,
    })
    expect(await verifyCheckpointHistory(good, [vkey])).toMatchObject({
      verified: true,
      checked: 5,
      consistency_proofs: 3,
      truncated: false,
      last: { tree_size: 9 },
    })
    const rollback = await verifyCheckpointHistory(source([listed(6), listed(3)]), [vkey])
    expect(rollback.problem).toMatchObject({
      tree_size: 3,
      reason: expect.stringMatching(/shrank from 6 to 3/),
    })
    const bad = await verifyCheckpointHistory(
      source(history, (h) => [leafHash('x').toString('base64'), ...h.slice(1)]),
      [vkey],
    )
    expect(bad).toMatchObject({ verified: false, checked: 2, problem: { tree_size: 3 } })
    expect(bad.problem?.reason).toMatch(/consistency proof from 1 to 3 leaves does not verify/)
    const lying = [listed(1), { ...listed(3), root_hash: range(0, 2).toString('base64') }]
    expect((await verifyCheckpointHistory(source(lying), [vkey])).problem?.reason).toMatch(
      /listed tree size or root is not the one its note signs/,
    )
  })
})

describe('differingFields', () => {
  const commit = { $commit: 'AAAA' }
  const leaf = {
    id: 'e1',
    seq: 1,
    action: 'send',
    tags: ['a', 'b'],
    rate_limit: { remaining: 3, reset: 'x' },
    user: commit,
    input: commit,
    output: null,
    metadata: { ticket: commit, n: commit },
  }
  const shown = {
    id: 'e1',
    seq: 1,
    action: 'send',
    tags: ['a', 'b'],
    rate_limit: { reset: 'x', remaining: 3 },
    user: 'someone@example.com',
    input: { q: 1 },
    output: null,
    metadata: { n: 2, ticket: 'T-1' },
    evaluations: [],
  }

  it('finds nothing when the clear fields are equal and the committed ones present', () => {
    expect(differingFields(leaf, shown)).toEqual([])
  })

  it('names each field that was changed, removed, emptied or given another metadata key', () => {
    expect(
      differingFields(leaf, {
        ...shown,
        action: 'other',
        tags: ['b', 'a'],
        rate_limit: { remaining: 4, reset: 'x' },
        user: null,
        output: 'now set',
        metadata: { n: 2, other: 'T-1' },
      }),
    ).toEqual(['action', 'tags', 'rate_limit', 'user', 'output', 'metadata'])
    const { input: _input, ...withoutInput } = shown
    expect(differingFields(leaf, withoutInput)).toEqual(['input'])
    expect(differingFields(leaf, { ...shown, metadata: { n: 2 } })).toEqual(['metadata'])
  })
})
