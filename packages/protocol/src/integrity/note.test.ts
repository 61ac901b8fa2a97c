import { describe, expect, it } from 'vitest'
import { checkpointBody, CheckpointError, parseCheckpoint } from './checkpoint.js'
import { leafHash, rootOf } from './merkle.js'
import {
  COSIGNATURE_V1,
  ED25519,
  NoteError,
  addSignatures,
  ed25519KeyFromSeed,
  ed25519Signer,
  generateEd25519Pem,
  openNote,
  parseVerifierKey,
  signNote,
  signatureLine,
  verifierKey,
} from './note.js'
import { GO_VKEY, goSeed } from '../../../../test/helpers/integrity-vectors.js'

const VKEY = GO_VKEY
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
const SIGNED = `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`

const goSigner = () => {
  return ed25519Signer('PeterNeumann', ed25519KeyFromSeed(goSeed()))
}

describe('signed notes (C2SP signed-note)', () => {
  it("matches Go's note package byte for byte", () => {
    const signer = goSigner()
    expect(verifierKey(signer.name, signer.publicKey)).toBe(VKEY)
    expect(signNote(TEXT, signer)).toBe(SIGNED)
    const opened = openNote(SIGNED, [parseVerifierKey(VKEY)])
    expect(opened.body).toBe(TEXT)
    expect(opened.signatures).toMatchObject([{ name: 'PeterNeumann', type: ED25519, valid: true }])
  })

  it('fails a tampered text, and ignores keys it was not given', () => {
    const key = parseVerifierKey(VKEY)
    const tampered = SIGNED.replace('cryptography', 'cryptographY')
    expect(openNote(tampered, [key]).signatures[0]?.valid).toBe(false)
    const other = ed25519Signer('PeterNeumann', generateEd25519Pem())
    expect(
      openNote(SIGNED, [parseVerifierKey(verifierKey(other.name, other.publicKey))]).signatures[0]
        ?.valid,
    ).toBeNull()
  })

  it('carries a timestamped cosignature whose time is signed', () => {
    const signer = ed25519Signer('example.com/t/acme', generateEd25519Pem())
    const key = parseVerifierKey(verifierKey(signer.name, signer.publicKey))
    const note = signNote(
      'example.com/t/acme\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n',
      signer,
      1_765_000_000,
    )
    const opened = openNote(note, [key])
    expect(opened.signatures.map((s) => [s.type, s.valid, s.time])).toEqual([
      [ED25519, true, undefined],
      [COSIGNATURE_V1, true, 1_765_000_000],
    ])
    // Another time in the same line no longer verifies.
    const cosig = note.trimEnd().split('\n').at(-1)
    const raw = Buffer.from((cosig as string).split(' ').at(-1) as string, 'base64')
    raw.writeBigUInt64BE(1_765_000_001n, 4)
    const forged = note.replace(cosig as string, `— example.com/t/acme ${raw.toString('base64')}`)
    expect(openNote(forged, [key]).signatures[1]?.valid).toBe(false)
  })

  it('adds a witness line and rejects malformed notes and keys', () => {
    const log = ed25519Signer('log', generateEd25519Pem())
    const witness = ed25519Signer('witness.example', generateEd25519Pem())
    const body = 'log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'
    const note = addSignatures(signNote(body, log), [signatureLine(body, witness, 1_700_000_000)])
    const opened = openNote(
      note,
      [log, witness].map((s) => parseVerifierKey(verifierKey(s.name, s.publicKey))),
    )
    expect(opened.signatures.map((s) => s.valid)).toEqual([true, true])
    for (const bad of [
      'no newline',
      `${body}`,
      `${body}\n`,
      `${body}\nnot a signature\n`,
      `${body}\n— log !!!\n`,
    ])
      expect(() => openNote(bad, [])).toThrow(NoteError)
    for (const bad of [
      'a+b',
      'name+zzzzzzzz+AQ==',
      VKEY.replace('c74f20a3', 'c74f20a4'),
      'has space+c74f20a3+AQ==',
    ])
      expect(() => parseVerifierKey(bad)).toThrow(NoteError)
    expect(() => ed25519Signer('bad name', generateEd25519Pem())).toThrow(NoteError)
  })
})

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  it('writes and reads the 70-leaf example', () => {
    const root = rootOf(Array.from({ length: 70 }, (_, i) => leafHash(`event-${i}`)))
    const body = checkpointBody('audit.example.com/t/acme', 70, root)
    expect(body).toBe(
      'audit.example.com/t/acme\n70\nwNyfycxTyb4kwlDnAWx/HhD6/UjK9SzB5qETJMl/v/U=\n',
    )
    expect(parseCheckpoint(body)).toEqual({
      origin: 'audit.example.com/t/acme',
      size: 70,
      root,
      extensions: [],
    })
  })

  it('refuses malformed checkpoints', () => {
    const root = 'wNyfycxTyb4kwlDnAWx/HhD6/UjK9SzB5qETJMl/v/U='
    for (const bad of [
      `o\n70\n${root}`,
      `o\n070\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n7e1\n${root}\n`,
      `o\n70\nAAAA\n`,
      `\n70\n${root}\n`,
      `o\n70\n${root}\n\n`,
      `o\n99999999999999999\n${root}\n`,
    ])
      expect(() => parseCheckpoint(bad)).toThrow(CheckpointError)
    expect(() => checkpointBody('a\nb', 1, Buffer.alloc(32))).toThrow(CheckpointError)
  })
})
