import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TrailReader } from 'agenttrail'
import {
  ed25519Signer,
  generateEd25519Pem,
  leafHash,
  verifierKey,
} from '@agenttrail/protocol/integrity'
import { closedPortUrl } from '../helpers/closed-port.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'
import { runCli } from './cli-process.js'
import { ingest, seedEvents } from './seed-events.js'

/** A proxy to `target` that swaps the first hash of every inclusion proof it passes on. */
async function tamperingProxy(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    void (async () => {
      const answer = await fetch(`${target}${req.url}`, {
        headers: { authorization: req.headers.authorization ?? '' },
      })
      let body = await answer.text()
      if (answer.ok && req.url?.includes('/proof')) {
        const proof = JSON.parse(body)
        proof.hashes[0] = Buffer.alloc(32, 9).toString('base64')
        body = JSON.stringify(proof)
      }
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' })
      res.end(body)
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** Polls until a checkpoint covers `size` events (a deadline only, no timing assertion). */
async function checkpointed(reader: TrailReader, size: number): Promise<void> {
  const deadline = Date.now() + 60_000
  while ((await reader.logStatus()).latest_checkpoint?.tree_size !== size) {
    if (Date.now() > deadline) throw new Error(`no checkpoint of ${size} events in time`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

// Each test runs the CLI as processes, one after another: on a loaded machine each takes seconds.
describe.each(DIALECTS)('agenttrail log and erase (%s)', { timeout: 120_000 }, (dialect) => {
  let live: LiveServer
  let env: Record<string, string> = {}
  let reader: TrailReader
  let ids: string[] = []
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-log-cli-'))

  beforeAll(async () => {
    live = await startLiveServer(dialect)
    const key = await live.key('default', ['read'])
    env = { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: key }
    reader = new TrailReader({ apiKey: key, baseUrl: live.url })
    await ingest(live.url, await live.key('default', ['ingest']), seedEvents(12))
    await checkpointed(reader, 12)
    ids = (await reader.events({ limit: 12 })).events.map((e) => e.id).reverse()
  })
  afterAll(async () => {
    await live.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('log status prints the size, the latest checkpoint and the key, or the JSON answer', async () => {
    const text = await runCli(['log', 'status'], env)
    expect(text).toMatchObject({ code: 0, stderr: '' })
    expect(text.stdout).toMatch(/^Log: +12 events \(trail seq 12\), 0 not yet in a checkpoint$/m)
    expect(text.stdout).toMatch(/^Checkpoint: +12 events, signed \S+ \(\d+ s ago\)$/m)
    const status = await reader.logStatus()
    expect(text.stdout).toContain(`Signing key: ${status.key_id}`)
    const json = await runCli(['log', 'status', '--json'], env)
    expect(JSON.parse(json.stdout)).toMatchObject({ tree_size: 12, key_id: status.key_id })
  })

  it('log proof verifies an event here, with published or pinned keys, and exits 1 when it fails', async () => {
    const ok = await runCli(['log', 'proof', ids[3]!], env)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(new RegExp(`^Verified: event ${ids[3]} is leaf 3 of \\S+/t/default`))
    expect(ok.stdout).toContain('(published keys)')
    const vkey = (await reader.logKeys())[0]!.vkey
    const pinned = await runCli(['log', 'proof', ids[0]!, '--log-key', vkey, '--json'], env)
    expect(pinned.code).toBe(0)
    expect(JSON.parse(pinned.stdout)).toMatchObject({
      verified: true,
      keys: 'pinned',
      leaf_index: 0,
    })
    const other = ed25519Signer((await reader.logKeys())[0]!.name, generateEd25519Pem())
    const stranger = await runCli(
      ['log', 'proof', ids[0]!, '--log-key', verifierKey(other.name, other.publicKey)],
      env,
    )
    expect(stranger.code).toBe(1)
    expect(stranger.stderr).toMatch(
      /NOT verified: event .*: the checkpoint has no signature by a known key/,
    )
  })

  it('log proof through a proxy that alters a proof hash: not verified, exit 1, and why', async () => {
    const proxy = await tamperingProxy(live.url)
    try {
      const r = await runCli(['log', 'proof', ids[5]!, '--url', proxy.url], env)
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(
        /NOT verified: event .*: the inclusion proof \(4 hashes\) does not lead from leaf 5 to the signed root of the tree of 12 leaves/,
      )
    } finally {
      proxy.server.close()
    }
  })

  it('log proof refuses bad arguments, an unknown event and a tree size without a checkpoint', async () => {
    expect((await runCli(['log', 'proof'], env)).code).toBe(2)
    expect((await runCli(['log', 'proof', ids[0]!, '--tree-size', 'x'], env)).code).toBe(2)
    const unknown = await runCli(['log', 'proof', '01900000-0000-7000-8000-000000000000'], env)
    expect(unknown).toMatchObject({ code: 1 })
    expect(unknown.stderr).toMatch(/no event with this id/)
    const size = await runCli(['log', 'proof', ids[0]!, '--tree-size', '5'], env)
    expect(size.code).toBe(1)
    expect(size.stderr).toMatch(/tree_size 5 is not the size of a signed checkpoint/)
    expect((await runCli(['log', 'nope'], env)).code).toBe(2)
    expect(
      (await runCli(['log', 'status'], { ...env, AGENTTRAIL_URL: await closedPortUrl() })).code,
    ).toBe(3)
  })

  it('log export writes the verifiable export whole, and leaves nothing when the server is down', async () => {
    const out = join(dir, 'log.jsonl')
    const r = await runCli(['log', 'export', '--out', out], env)
    expect(r).toMatchObject({ code: 0, stdout: '' })
    expect(existsSync(`${out}.partial`)).toBe(false)
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({
      type: 'header',
      format: 'agenttrail-log-export/1',
      tree_size: 12,
    })
    const entries = lines.filter((l) => l.type === 'entry')
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    const leaves = await reader.logLeaves(0, 12)
    expect(entries.map((e) => e.leaf_hash)).toEqual(leaves.map((l) => l.leaf_hash))
    expect(leaves.every((l) => leafHash(l.leaf).toString('base64') === l.leaf_hash)).toBe(true)
    expect(lines.at(-1)).toEqual({ type: 'end', entries: 12 })
    // To stdout, the same lines (only the header's generated_at differs).
    const stdout = await runCli(['log', 'export'], env)
    const body = (text: string) => text.slice(text.indexOf('\n'))
    expect(stdout.code).toBe(0)
    expect(body(stdout.stdout)).toBe(body(readFileSync(out, 'utf8')))
    const down = join(dir, 'down.jsonl')
    const failed = await runCli(['log', 'export', '-o', down], {
      ...env,
      AGENTTRAIL_URL: await closedPortUrl(),
    })
    expect(failed.code).toBe(3)
    expect(existsSync(down) || existsSync(`${down}.partial`)).toBe(false)
  })

  it('erase refuses without --yes off a terminal, without a reason or selector, and with a read key', async () => {
    const event = ['erase', '--event', ids[7]!, '--reason', 'gdpr-art17']
    expect(await runCli(event, env)).toMatchObject({ code: 2 })
    expect((await runCli(event, env)).stderr).toMatch(/needs --yes when not run from a terminal/)
    expect((await runCli(['erase', '--event', ids[7]!, '--yes'], env)).stderr).toMatch(
      /needs --reason/,
    )
    expect(
      (await runCli(['erase', '--user', 'a', '--event', 'b', '--reason', 'r', '--yes'], env)).code,
    ).toBe(2)
    expect((await runCli(['erase', '--agent', 'a', '--reason', 'r', '--yes'], env)).stderr).toMatch(
      /--agent needs --day/,
    )
    const readOnly = await runCli([...event, '--yes'], env)
    expect(readOnly.code).toBe(4)
    expect(readOnly.stderr).toMatch(/lacks the "admin" scope/)
    const bad = await runCli(
      ['erase', '--agent', 'a', '--day', '2026-13-40', '--reason', 'r', '--yes'],
      {
        ...env,
        AGENTTRAIL_API_KEY: await live.key('default', ['admin']),
      },
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/day/)
  })

  it('erase with an admin key erases, names the tombstone, and every proof still verifies', async () => {
    const admin = { ...env, AGENTTRAIL_API_KEY: await live.key('default', ['admin']) }
    const r = await runCli(
      ['erase', '--event', ids[7]!, '--reason', 'gdpr-art17', '--request-ref', 'DSAR-1', '--yes'],
      admin,
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      new RegExp(`^Erased 1 event\\(s\\): event ${ids[7]}\\.\\nTombstone: seq 13, event \\S+\\n$`),
    )
    const none = await runCli(
      ['erase', '--user', 'nobody@example.com', '--reason', 'test', '--yes', '--json'],
      admin,
    )
    expect(JSON.parse(none.stdout)).toEqual({ erased: 0, tombstones: [] })
    await checkpointed(reader, 13)
    const kept = await runCli(['log', 'proof', ids[8]!], env)
    expect(kept.code).toBe(0)
    expect(kept.stdout).toMatch(/under the checkpoint of 13 events/)
    expect((await runCli(['log', 'proof', ids[7]!], env)).code).toBe(1)
    // The export after the erasure verifies offline with the pinned key, the erasure as lawful.
    const out = join(dir, 'after-erasure.jsonl')
    expect((await runCli(['log', 'export', '--out', out], env)).code).toBe(0)
    const vkey = (await reader.logKeys())[0]!.vkey
    const verified = await runCli(['verify', out, '--key', vkey])
    expect(verified.code).toBe(0)
    expect(verified.stdout).toMatch(/INTACT/)
    expect(verified.stdout).toMatch(/erased lawfully under tombstone 13: 1 event/)
  })
})
