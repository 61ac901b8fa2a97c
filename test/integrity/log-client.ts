import { leafHash, openNote, parseCheckpoint, parseVerifierKey } from '@agenttrail/protocol'
import type { NoteKey } from '@agenttrail/protocol'

/** A small client of the log routes for tests: JSON answers with their status. */
export function logClient(url: string, key: string) {
  const get = async (path: string, auth = true) => {
    const res = await fetch(
      `${url}${path}`,
      auth ? { headers: { authorization: `Bearer ${key}` } } : {},
    )
    const text = await res.text()
    let body: any = text
    if (res.headers.get('content-type')?.startsWith('application/json')) body = JSON.parse(text)
    return { status: res.status, body, headers: res.headers }
  }
  return {
    get,
    /** Posts events in one batch; their ids in order. */
    async ingest(events: object[]): Promise<string[]> {
      const res = await fetch(`${url}/api/v1/events/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      })
      if (res.status !== 201) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
      const body = (await res.json()) as { accepted: Array<{ id: string }> }
      return body.accepted.map((a) => a.id)
    },
    /** Polls until the latest checkpoint covers `size` leaves (no timing assertion: a deadline only). */
    async checkpointOf(size: number, timeoutMs = 30_000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const res = await get('/api/v1/log/checkpoint')
        if (res.status === 200 && parseCheckpoint(noteBody(res.body)).size >= size) return res.body
        if (Date.now() > deadline) throw new Error(`no checkpoint of ${size} leaves in time`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    async keys(): Promise<NoteKey[]> {
      const res = await get('/api/v1/log/keys')
      return (res.body.keys as Array<{ vkey: string }>).map((k) => parseVerifierKey(k.vkey))
    },
  }
}

/** The text a note signs: everything up to and including the blank line's first newline. */
export function noteBody(note: string): string {
  return note.slice(0, note.lastIndexOf('\n\n') + 1)
}

/** Opens a checkpoint note with `keys`: its checkpoint, and whether both its signatures verify. */
export function openCheckpoint(note: string, keys: readonly NoteKey[]) {
  const opened = openNote(note, keys)
  const checkpoint = parseCheckpoint(opened.body)
  const signature = opened.signatures.find((s) => s.type === 0x01)
  const cosignature = opened.signatures.find((s) => s.type === 0x04)
  return {
    checkpoint,
    verified: signature?.valid === true && cosignature?.valid === true,
    time: cosignature?.time,
    signatures: opened.signatures,
  }
}

export const b64 = (text: string) => Buffer.from(text, 'base64')
export const hashOfLeaf = (leaf: string) => leafHash(leaf).toString('base64')
