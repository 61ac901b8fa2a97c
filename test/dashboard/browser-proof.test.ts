import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  checkpointBody,
  ed25519Signer,
  generateEd25519Pem,
  inclusionPath,
  leafBytes,
  leafHash as coreLeafHash,
  rootOf,
  signNote,
  verifierKey,
} from '@agenttrail/protocol'
import { checkInclusion } from '../../packages/dashboard/src/lib/integrity/inclusion-check.js'
import { leafHash, verifyInclusion } from '../../packages/dashboard/src/lib/integrity/merkle.js'
import {
  openCheckpoint,
  parseVerifierKey,
  signatureVerdict,
} from '../../packages/dashboard/src/lib/integrity/signed-note.js'

/**
 * The dashboard's browser proof code (WebCrypto only; Node has the same `crypto.subtle`) against
 * the integrity core: every inclusion proof the core makes verifies, every altered one does not,
 * and notes the core signs open with both signatures verified.
 */
const leaves = Array.from({ length: 33 }, (_, i) => coreLeafHash(`leaf ${i}`))
const mth = (lo: number, hi: number) => rootOf(leaves.slice(lo, hi))
const flip = (hash: Uint8Array) => {
  const copy = new Uint8Array(hash)
  copy[31]! ^= 0x80
  return copy
}

describe('the browser proof code', () => {
  it('hashes a leaf as the core does (0x00 prefix, UTF-8)', async () => {
    for (const text of ['', 'leaf 1', 'é ✓ \u{1F600}'])
      expect(Buffer.from(await leafHash(text)).equals(coreLeafHash(text))).toBe(true)
  })

  it('verifies every inclusion proof of trees of 1 to 33 leaves, and refuses each altered one', async () => {
    for (let size = 1; size <= leaves.length; size++) {
      const root = mth(0, size)
      for (let index = 0; index < size; index++) {
        const path = await inclusionPath(index, size, mth)
        const leaf = leaves[index]!
        expect(await verifyInclusion(leaf, index, size, path, root)).toBe(true)
        expect(await verifyInclusion(flip(leaf), index, size, path, root)).toBe(false)
        expect(await verifyInclusion(leaf, index, size, path, flip(root))).toBe(false)
        if (size > 1)
          expect(await verifyInclusion(leaf, (index + 1) % size, size, path, root)).toBe(false)
        for (let i = 0; i < path.length; i++) {
          const altered = path.map((h, j) => (j === i ? flip(h) : h))
          expect(await verifyInclusion(leaf, index, size, altered, root)).toBe(false)
        }
        expect(await verifyInclusion(leaf, index, size, [...path, root], root)).toBe(false)
        if (path.length > 0)
          expect(await verifyInclusion(leaf, index, size, path.slice(0, -1), root)).toBe(false)
      }
    }
  })

  it('opens a note the core signed: signature and timestamped cosignature verified, the time read', async () => {
    const name = 'agenttrail-test/t/org-a'
    const signer = ed25519Signer(name, generateEd25519Pem())
    const body = checkpointBody(name, 5, mth(0, 5))
    const note = signNote(body, signer, 1_765_000_000)
    const key = await parseVerifierKey(verifierKey(name, signer.publicKey))
    const opened = await openCheckpoint(note, [key])
    expect(opened.checkpoint.size).toBe(5)
    expect(Buffer.from(opened.checkpoint.root).equals(mth(0, 5))).toBe(true)
    expect(opened.signatures.map((s) => [s.type, s.result])).toEqual([
      ['signature', 'verified'],
      ['cosignature', 'verified'],
    ])
    expect(opened.signatures[1]!.time).toBe(1_765_000_000)
    expect(signatureVerdict(opened)).toBe('verified')

    // Another size under the same signatures fails; another key's note is unknown, so failed.
    const forged = note.replace('\n5\n', '\n6\n')
    expect(signatureVerdict(await openCheckpoint(forged, [key]))).toBe('failed')
    const other = ed25519Signer(name, generateEd25519Pem())
    const unknown = await openCheckpoint(signNote(body, other, 1), [key])
    expect(unknown.signatures.every((s) => s.result === 'unknown')).toBe(true)
    expect(signatureVerdict(unknown)).toBe('failed')
    // A verifier key whose id is not its key's is refused.
    const vkey = verifierKey(name, signer.publicKey)
    const first = vkey.indexOf('+')
    const second = vkey.indexOf('+', first + 1)
    const id = vkey.slice(first + 1, second)
    const wrongId = `${vkey.slice(0, first + 1)}${id === '00000000' ? '00000001' : '00000000'}${vkey.slice(second)}`
    await expect(parseVerifierKey(wrongId)).rejects.toThrow('key id does not match')
  })

  it("checks a real event's proof end to end, and names a field shown otherwise than committed", async () => {
    const name = 'agenttrail-test/t/org-a'
    const signer = ed25519Signer(name, generateEd25519Pem())
    const key = await parseVerifierKey(verifierKey(name, signer.publicKey))
    const event = {
      org_id: 'org-a',
      id: 'evt-3',
      seq: 3,
      received_at: '2026-12-07T10:00:00.000Z',
      title: 'refund',
      input: { order: 'A-1' },
      user: 'ana@example.com',
      metadata: { ticket: 'T-9' },
      control: null,
    }
    const leaf = leafBytes(event, randomBytes(32))
    const tree = [...leaves.slice(0, 2), coreLeafHash(leaf), ...leaves.slice(3, 7)]
    const size = tree.length
    const treeMth = (lo: number, hi: number) => rootOf(tree.slice(lo, hi))
    const proof = {
      leaf_index: 2,
      tree_size: size,
      leaf_hash: coreLeafHash(leaf).toString('base64'),
      leaf,
      hashes: (await inclusionPath(2, size, treeMth)).map((h) => h.toString('base64')),
      checkpoint: signNote(checkpointBody(name, size, treeMth(0, size)), signer, 1),
    }
    const ok = await checkInclusion(proof, event, [key])
    expect(ok.steps.filter((s) => !s.ok)).toEqual([])
    expect(ok.status).toBe('verified')
    expect(ok.signature).toBe('verified')

    const shown = await checkInclusion(proof, { ...event, title: 'refund (edited)' }, [key])
    expect(shown.status).toBe('failed')
    expect(shown.steps.find((s) => !s.ok)?.detail).toBe(
      'fields differ from the committed event: title',
    )
    const otherSeq = await checkInclusion(proof, { ...event, seq: 4 }, [key])
    expect(otherSeq.steps.find((s) => !s.ok)?.label).toBe('The leaf is this event')
    const wrongSize = await checkInclusion({ ...proof, tree_size: size + 1 }, event, [key])
    expect(wrongSize.status).toBe('failed')
    expect(wrongSize.steps.filter((s) => !s.ok).map((s) => s.label)).toEqual([
      'The checkpoint is of the proof’s tree size',
    ])
  })
})
