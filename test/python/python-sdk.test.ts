import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '@agenttrail/server'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'

const SDK = fileURLToPath(new URL('../../sdks/python/', import.meta.url))

/**
 * The oldest Python the SDK supports when this machine has it (so CI proves 3.9 still works),
 * else `python3`. `PYTHON` overrides both.
 */
function interpreters(): { oldest: string; current: string } {
  const runs = (bin: string) => spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0
  const current = process.env.PYTHON ?? 'python3'
  if (!runs(current))
    throw new Error(`${current} is not on PATH: the Python SDK's tests need Python 3.9 or newer`)
  return { oldest: process.env.PYTHON ?? (runs('python3.9') ? 'python3.9' : current), current }
}

/** Runs `python -m unittest` in sdks/python without blocking this process's event loop. */
function unittest(python: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(python, ['-m', 'unittest', ...args], {
      cwd: SDK,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

describe.each(DIALECTS)("the Python SDK's unittest suites (%s)", (dialect) => {
  let server: LiveServer
  let env: Record<string, string>
  const python = interpreters()

  beforeAll(async () => {
    server = await startLiveServer(dialect)
    env = {
      AGENTTRAIL_TEST_URL: server.url,
      AGENTTRAIL_TEST_KEY: await server.key('org_python', [...SCOPES], 'at_'),
      AGENTTRAIL_TEST_STORE: dialect,
    }
  })
  afterAll(() => server?.close())

  // On SQLite every suite runs (unit tests with their loopback fakes, install, fork and exit,
  // end to end); on PostgreSQL the suites that talk to the server (test_e2e*.py).
  const suites = dialect === 'sqlite' ? ['-p', 'test_*.py'] : ['-p', 'test_e2e*.py']
  const bin = dialect === 'sqlite' ? python.oldest : python.current

  it(`passes under ${bin}`, { timeout: 300_000 }, async () => {
    const { code, output } = await unittest(
      bin,
      ['discover', '-s', 'tests', '-t', '.', ...suites],
      env,
    )
    // The whole report is the failure message: unittest names every failing test and its trace.
    expect(code, output).toBe(0)
    expect(output).toMatch(/^OK/m)
    expect(output, 'an end-to-end suite was skipped').not.toMatch(/skipped=/)
  })
})
