import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI } from '../helpers/process.js'
import { TestLog } from '../helpers/verifiable-export.js'
import { runCli } from './cli-process.js'
import type { CliResult } from './cli-process.js'

// Each case starts a Node process; a loaded machine can be slow to.
const SLOW = 120_000

let dir: string
let log: TestLog
let file: string
let tampered: string
let keysFile: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agenttrail-verify-'))
  log = new TestLog('acme')
  log.append(10).checkpoint()
  log.append(10).checkpoint()
  const tombstone = log.erase([4])
  log.checkpoint()
  expect(tombstone).toBe(21)
  const lines = await log.lines()
  file = join(dir, 'export.jsonl')
  writeFileSync(file, `${lines.join('\n')}\n`)
  tampered = join(dir, 'tampered.jsonl')
  writeFileSync(
    tampered,
    `${lines.filter((l) => !l.startsWith('{"type":"entry","seq":17,')).join('\n')}\n`,
  )
  keysFile = join(dir, 'log-keys.json')
  writeFileSync(
    keysFile,
    JSON.stringify({
      keys: [
        {
          name: log.origin,
          key_id: log.key.keyIdHex,
          vkey: log.key.vkey,
          algorithm: 'ed25519',
          not_before: log.key.notBefore,
          not_after: null,
        },
      ],
    }),
  )
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the CLI with `input` on its stdin. */
function runWithStdin(args: string[], input: string): Promise<CliResult> {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  proc.stdin.end(input)
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })))
}

describe('agenttrail verify', () => {
  it(
    'exits 0 on an intact export with pinned keys, and names the lawful erasure',
    { timeout: SLOW },
    async () => {
      const r = await runCli(['verify', file, '--keys-file', keysFile])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toContain(': INTACT\n')
      expect(r.stdout).toContain('21 events (1 erased), 3 checkpoints, verified up to size 21')
      expect(r.stdout).toContain('erased lawfully under tombstone 21: 1 events')
    },
  )

  it(
    'takes a key with --key, and exits 5 (intact, warnings) without one',
    { timeout: SLOW },
    async () => {
      expect((await runCli(['verify', file, '--key', log.key.vkey])).code).toBe(0)
      const r = await runCli(['verify', file])
      expect(r.code).toBe(5)
      expect(r.stdout).toContain('INTACT, with warnings')
      expect(r.stdout).toContain('keys taken from the export, not pinned')
    },
  )

  it('exits 1 and names what is wrong and where', { timeout: SLOW }, async () => {
    const r = await runCli(['verify', tampered, '--key', log.key.vkey])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(': FAILED\n')
    expect(r.stdout).toMatch(/error\s+event_missing\s+seq 17\s+event 17 missing/)
    expect(r.stdout).toMatch(/error\s+root_mismatch\s+size 20\s+checkpoint at size 20/)
  })

  it('prints the report as JSON with --json', { timeout: SLOW }, async () => {
    const r = await runCli(['verify', tampered, '--key', log.key.vkey, '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as {
      status: string
      problems: { code: string; seq?: number }[]
    }
    expect(report.status).toBe('failed')
    expect(report.problems).toContainEqual(
      expect.objectContaining({ code: 'event_missing', seq: 17 }),
    )
  })

  it('reads the export from stdin with -', { timeout: SLOW }, async () => {
    const r = await runWithStdin(
      ['verify', '-', '--key', log.key.vkey, '--json'],
      readFileSync(file, 'utf8'),
    )
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'intact', entries: 21, erased: 1 })
  })

  it('checks a pinned checkpoint', { timeout: SLOW }, async () => {
    const other = new TestLog('acme')
    Object.assign(other, { key: log.key })
    other.append(5, () => ({ title: 'another history' }))
    const note = join(dir, 'pinned.note')
    writeFileSync(note, other.checkpoint().note)
    const r = await runCli(['verify', file, '--key', log.key.vkey, '--pinned-checkpoint', note])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('pinned_checkpoint_inconsistent')
  })

  it('exits 2 on usage mistakes and 1 on a file it cannot read', { timeout: SLOW }, async () => {
    const none = await runCli(['verify'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('verify takes one FILE')
    const badKey = await runCli(['verify', file, '--key', 'not-a-key'])
    expect(badKey.code).toBe(2)
    expect(badKey.stderr).toContain('a verifier key must read')
    const badFlag = await runCli(['verify', file, '--frobnicate'])
    expect(badFlag.code).toBe(2)
    const missing = await runCli(['verify', join(dir, 'nope.jsonl')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no such file')
    const help = await runCli(['verify', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Exit codes: 0 intact, 5 intact with warnings')
  })
})
