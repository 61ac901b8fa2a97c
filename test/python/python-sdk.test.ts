import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '@agenttrail/server'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { DIALECTS } from '../helpers/test-app.js'

const SDK = fileURLToPath(new URL('../../sdks/python/', import.meta.url))

interface Python {
  bin: string
  env: Record<string, string>
}

const runs = ({ bin, env }: Python) =>
  spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, ...env } }).status === 0

/**
 * The interpreters to test with: `current` is `python3` (or `PYTHON`); `oldest` is Python 3.9, the
 * oldest the SDK supports, when this machine has it (`python3.9` on PATH, or a 3.9 that pyenv
 * manages), so the suites prove it still works there; else `current`.
 */
function interpreters(): { oldest: Python; current: Python } {
  const current = { bin: process.env.PYTHON ?? 'python3', env: {} }
  if (!runs(current))
    throw new Error(
      `${current.bin} is not on PATH: the Python SDK's tests need Python 3.9 or newer`,
    )
  if (process.env.PYTHON) return { oldest: current, current }
  const onPath = { bin: 'python3.9', env: {} }
  if (runs(onPath)) return { oldest: onPath, current }
  const pyenv = spawnSync('pyenv', ['versions', '--bare'], { encoding: 'utf8' })
  const version = pyenv.status === 0 ? pyenv.stdout.match(/^3\.9\.\d+$/m)?.[0] : undefined
  const managed = { bin: 'python3', env: { PYENV_VERSION: version ?? '' } }
  return { oldest: version && runs(managed) ? managed : current, current }
}

/** Runs `python -m unittest` in sdks/python without blocking this process's event loop. */
function unittest(python: Python, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(python.bin, ['-m', 'unittest', ...args], {
      cwd: SDK,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...python.env, ...env },
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
  const version = spawnSync(bin.bin, ['--version'], {
    encoding: 'utf8',
    env: { ...process.env, ...bin.env },
  }).stdout.trim()

  it(`passes under ${version}`, { timeout: 300_000 }, async () => {
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
