import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTrailMcpServer } from '@agenttrail/mcp'
import { ed25519Signer, generateEd25519Pem, verifierKey } from '@agenttrail/protocol/integrity'
import { TrailReader } from 'agenttrail'
import type { FetchLike } from 'agenttrail'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { callTool } from './mcp-client.js'

const ORG = 'org-mcp-log'

/** A fetch to the live server that lets `alter` rewrite the JSON answers of matching paths. */
function alteringFetch(alter: (path: string, body: any) => any): FetchLike {
  return async (url, init) => {
    const res = await fetch(url, init)
    const path = new URL(url).pathname
    const text = await res.text()
    let out = text
    if (res.ok && res.headers.get('content-type')?.startsWith('application/json'))
      out = JSON.stringify(alter(path, JSON.parse(text)))
    return new Response(out, { status: res.status, headers: res.headers })
  }
}

async function connect(live: LiveServer, key: string, fetch?: FetchLike, logKeys?: string[]) {
  const server = await createTrailMcpServer({
    apiKey: key,
    baseUrl: live.url,
    fetch,
    scopes: ['read'],
    logKeys,
  })
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const client = new Client({ name: 'agenttrail-test', version: '1.0.0' })
  await client.connect(clientSide)
  return client
}

/** Polls until a checkpoint covers `size` events (a deadline, no timing assertion). */
async function checkpointed(reader: TrailReader, size: number): Promise<void> {
  const deadline = Date.now() + 60_000
  while ((await reader.logStatus()).latest_checkpoint?.tree_size !== size) {
    if (Date.now() > deadline) throw new Error(`no checkpoint of ${size} events in time`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe.each(['sqlite', 'postgres'] as const)('the MCP integrity tools (%s)', (dialect) => {
  let live: LiveServer
  let readKey: string
  let reader: TrailReader
  let client: Client
  const ids: string[] = []

  beforeAll(async () => {
    live = await startLiveServer(dialect)
    readKey = await live.key(ORG, ['read'])
    const ingest = new TrailReader({ apiKey: await live.key(ORG, ['ingest']), baseUrl: live.url })
    reader = new TrailReader({ apiKey: readKey, baseUrl: live.url })
    for (const n of [4, 3]) {
      const answer = await ingest.request('POST', '/api/v1/events/batch', {
        body: {
          events: Array.from({ length: n }, (_, i) => ({
            agent: 'ledger-bot',
            action: `step-${i}`,
            input: { q: i },
            user: 'someone@example.com',
          })),
        },
      })
      ids.push(...(answer.accepted as { id: string }[]).map((a) => a.id))
      await checkpointed(reader, ids.length)
    }
    client = await connect(live, readKey)
  }, 120_000)
  afterAll(async () => {
    await client?.close()
    await live?.close()
  })

  it('log_status gives the size, the latest checkpoint with its age, the key and the lag', async () => {
    const r = await callTool(client, 'log_status')
    expect(r.isError).toBe(false)
    expect(r.structured).toMatchObject({
      tree_size: 7,
      trail_seq: 7,
      lag_events: 0,
      key_id: expect.stringMatching(/^[0-9a-f]{8}$/),
      latest_checkpoint: { tree_size: 7, age_seconds: expect.any(Number) },
    })
    expect(r.text).toContain('The log holds 7 events')
  })

  it('verify_event verifies an event in this process, with published or pinned keys', async () => {
    const r = await callTool(client, 'verify_event', { id: ids[2] })
    expect(r.isError).toBe(false)
    expect(r.structured).toMatchObject({
      event_id: ids[2],
      verified: true,
      reason: null,
      leaf_index: 2,
      keys: 'published',
      checkpoint: { tree_size: 7, origin: expect.stringMatching(new RegExp(`/t/${ORG}$`)) },
    })
    expect(r.text).toMatch(/^Verified: event .* is leaf 2 of the log/)
    // In the checkpoint of 4 events too.
    const older = await callTool(client, 'verify_event', { id: ids[0], tree_size: 4 })
    expect(older.structured).toMatchObject({ verified: true, checkpoint: { tree_size: 4 } })
    // Keys pinned out of band: the right one verifies, another one does not.
    const vkey = (await reader.logKeys())[0]!.vkey
    const pinned = await connect(live, readKey, undefined, [vkey])
    expect((await callTool(pinned, 'verify_event', { id: ids[1] })).structured).toMatchObject({
      verified: true,
      keys: 'pinned',
    })
    await pinned.close()
    const other = ed25519Signer((await reader.logKeys())[0]!.name, generateEd25519Pem())
    const stranger = await connect(live, readKey, undefined, [
      verifierKey(other.name, other.publicKey),
    ])
    const refused = await callTool(stranger, 'verify_event', { id: ids[1] })
    expect(refused.structured.verified).toBe(false)
    expect(refused.structured.reason).toMatch(/no signature by a known key/)
    await stranger.close()
  })

  it('verify_event says "not verified" and why when a proof hash was altered on the way', async () => {
    const tampered = await connect(
      live,
      readKey,
      alteringFetch((path, body) => {
        if (!path.endsWith('/proof')) return body
        const hashes = [...body.hashes]
        hashes[0] = Buffer.alloc(32, 7).toString('base64')
        return { ...body, hashes }
      }),
    )
    const r = await callTool(tampered, 'verify_event', { id: ids[5] })
    expect(r.isError).toBe(false)
    expect(r.structured).toMatchObject({ verified: false, leaf_index: 5 })
    expect(r.structured.reason).toMatch(
      /inclusion proof \(3 hashes\) does not lead from leaf 5 to the signed root of the tree of 7 leaves/,
    )
    expect(r.text).toMatch(/^NOT verified: event/)
    await tampered.close()
  })

  it('verify_event says "not verified" when the event the server shows is not its committed leaf', async () => {
    const edited = await connect(
      live,
      readKey,
      alteringFetch((path, body) =>
        path.endsWith(`/events/${ids[3]}`) ? { ...body, action: 'step-edited', user: null } : body,
      ),
    )
    const r = await callTool(edited, 'verify_event', { id: ids[3] })
    expect(r.structured.verified).toBe(false)
    expect(r.structured.reason).toBe(
      'the event as the server shows it differs from its committed leaf in action, user',
    )
    await edited.close()
  })

  it('verify_event refuses a leaf swapped for another event’s', async () => {
    const proof = await reader.eventProof(ids[3]!)
    const swapped = await connect(
      live,
      readKey,
      alteringFetch((path, body) =>
        path.endsWith(`${ids[4]}/proof`)
          ? { ...body, leaf: proof.leaf, leaf_hash: proof.leaf_hash }
          : body,
      ),
    )
    const r = await callTool(swapped, 'verify_event', { id: ids[4] })
    expect(r.structured.verified).toBe(false)
    expect(r.structured.reason).toMatch(/the leaf is of seq 4, not of leaf index 4 \(seq 5\)/)
    await swapped.close()
  })

  it('verify_event answers an unknown event and a bad tree size as errors a person can act on', async () => {
    const unknown = await callTool(client, 'verify_event', {
      id: '01900000-0000-7000-8000-000000000000',
    })
    expect(unknown).toMatchObject({ isError: true })
    expect(unknown.text).toMatch(/404 not_found/)
    const size = await callTool(client, 'verify_event', { id: ids[0], tree_size: 5 })
    expect(size).toMatchObject({ isError: true })
    expect(size.text).toMatch(
      /not_checkpointed.*tree_size 5 is not the size of a signed checkpoint/,
    )
  })

  it('verify_log walks the history, and names the checkpoint whose consistency proof fails', async () => {
    const r = await callTool(client, 'verify_log')
    expect(r.isError).toBe(false)
    expect(r.structured).toMatchObject({
      verified: true,
      problem: null,
      truncated: false,
      last: { tree_size: 7 },
      keys: 'published',
    })
    expect(r.structured.checked).toBeGreaterThanOrEqual(2)
    expect(r.structured.consistency_proofs).toBeGreaterThanOrEqual(1)
    const first = await callTool(client, 'verify_log', { limit: 2 })
    expect(first.structured.checked).toBe(2)
    const forked = await connect(
      live,
      readKey,
      alteringFetch((path, body) =>
        path.endsWith('/log/proof/consistency')
          ? { ...body, hashes: body.hashes.map(() => Buffer.alloc(32, 1).toString('base64')) }
          : body,
      ),
    )
    const bad = await callTool(forked, 'verify_log')
    expect(bad.structured.verified).toBe(false)
    expect(bad.structured.problem.reason).toMatch(
      /consistency proof from \d+ to \d+ leaves does not verify/,
    )
    expect(bad.text).toMatch(/^NOT verified: at the checkpoint of \d+ events/)
    await forked.close()
    const badLimit = await callTool(client, 'verify_log', { limit: 1 })
    expect(badLimit.isError).toBe(true)
  })

  it('verify_event answers "not yet" when no checkpoint covers the event', async () => {
    const waiting = await connect(live, readKey, async (url, init) =>
      new URL(url).pathname.endsWith('/proof')
        ? new Response(
            JSON.stringify({
              error:
                'no signed checkpoint covers this event yet; one is signed within about a second',
              code: 'not_checkpointed',
            }),
            { status: 404, headers: { 'content-type': 'application/json' } },
          )
        : fetch(url, init),
    )
    const r = await callTool(waiting, 'verify_event', { id: ids[6] })
    expect(r.isError).toBe(false)
    expect(r.structured).toMatchObject({ verified: false, leaf_index: null, checkpoint: null })
    expect(r.structured.reason).toMatch(
      /no signed checkpoint covers this event yet.*call again shortly/,
    )
    await waiting.close()
  })

  it('a lawful erasure keeps every proof: verify_log and verify_event still verify', async () => {
    const admin = await live.key(ORG, ['admin'])
    const { AgentTrail } = await import('agenttrail')
    const trail = new AgentTrail({
      apiKey: admin,
      baseUrl: live.url,
      flushOnExit: false,
      silent: true,
    })
    const erased = await trail.erase({
      eventId: ids[1]!,
      reason: 'gdpr-art17',
      requestRef: 'DSAR-7',
    })
    expect(erased).toMatchObject({ erased: 1, tombstones: [{ seq: 8 }] })
    await trail.shutdown()
    await checkpointed(reader, 8)
    const log = await callTool(client, 'verify_log')
    expect(log.structured).toMatchObject({ verified: true, last: { tree_size: 8 } })
    const kept = await callTool(client, 'verify_event', { id: ids[2] })
    expect(kept.structured).toMatchObject({ verified: true, checkpoint: { tree_size: 8 } })
    const tombstone = await callTool(client, 'verify_event', { id: erased.tombstones[0]!.id })
    expect(tombstone.structured).toMatchObject({ verified: true, leaf_index: 7 })
    const gone = await callTool(client, 'verify_event', { id: ids[1] })
    expect(gone).toMatchObject({ isError: true })
    expect(gone.text).toMatch(/404 not_found/)
  })
})
