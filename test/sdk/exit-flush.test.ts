import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { send, startWireDouble } from './wire-double.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Runs a script in its own Node process against the built package (dist/, resolved by name
 * through the exports map, as a user's `import` or `require` would) and waits for it to end.
 */
function runScript(kind: 'module' | 'commonjs', source: string, env: Record<string, string>) {
  const args =
    kind === 'module'
      ? ['--input-type=module', '-e', source]
      : ['--input-type=commonjs', '-e', source]
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const started = Date.now()
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>(
    (resolve) =>
      child.once('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  )
}

describe('flushing when the process is about to exit', () => {
  let live: LiveServer
  let key: string
  beforeAll(async () => {
    live = await startLiveServer('sqlite')
    key = await live.key('org-exit', ['ingest', 'read'])
  })
  afterAll(() => live.close())

  const count = async (agent: string) => {
    const res = await fetch(`${live.url}/api/v1/events?agent=${agent}`, {
      headers: { authorization: `Bearer ${key}` },
    })
    return ((await res.json()) as { events: unknown[] }).events.length
  }

  it('sends what an ES module script fired when the script simply ends', async () => {
    const script = `
      import { AgentTrail } from 'agenttrail'
      const trail = new AgentTrail({ apiKey: process.env.KEY, baseUrl: process.env.URL, flushIntervalMs: 60000 })
      for (let i = 0; i < 3; i++) trail.fire({ agent: 'exit-esm', action: 'step-' + i })
    `
    const run = await runScript('module', script, { KEY: key, URL: live.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(await count('exit-esm')).toBe(3)
  })

  it('sends what a CommonJS script fired when the script simply ends', async () => {
    const script = `
      const { AgentTrail } = require('agenttrail')
      const trail = new AgentTrail({ apiKey: process.env.KEY, baseUrl: process.env.URL, flushIntervalMs: 60000 })
      trail.fire({ agent: 'exit-cjs', action: 'only' })
    `
    const run = await runScript('commonjs', script, { KEY: key, URL: live.url })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(await count('exit-cjs')).toBe(1)
  })

  it('does not hold the process past shutdownTimeoutMs when the server is unreachable, and reports the loss', async () => {
    const script = `
      import { AgentTrail } from 'agenttrail'
      const trail = new AgentTrail({
        apiKey: 'at_x', baseUrl: 'http://127.0.0.1:9', shutdownTimeoutMs: 500,
        onDrop: (n, reason) => console.log('dropped', n, reason), onError: () => {},
      })
      trail.fire({ action: 'lost' })
    `
    const run = await runScript('module', script, {})
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toBe('dropped 1 shutdown')
    expect(run.ms).toBeLessThan(3000)
  })

  it('an awaited flush() holds the process open through a Retry-After wait', async () => {
    const double = await startWireDouble()
    let n = 0
    double.on('POST /api/v1/events/batch', (_req, res) =>
      ++n === 1
        ? send(res, 503, { error: 'busy' }, { 'retry-after': '1' })
        : send(res, 201, { accepted: [], errors: [] }),
    )
    const script = `
      import { AgentTrail } from 'agenttrail'
      const trail = new AgentTrail({ apiKey: 'at_x', baseUrl: process.env.URL, flushOnExit: false })
      trail.fire({ action: 'a' })
      await trail.flush()
      console.log('flushed', JSON.stringify(trail.stats()))
    `
    const run = await runScript('module', script, { URL: double.url })
    await double.close()
    expect(run).toMatchObject({
      code: 0,
      stdout: 'flushed {"queued":0,"sent":1,"dropped":0,"retries":1}\n',
      stderr: '',
    })
    expect(run.ms).toBeGreaterThanOrEqual(1000)
  })

  it('does not keep an idle process alive at all', async () => {
    const script = `
      import { AgentTrail } from 'agenttrail'
      new AgentTrail({ apiKey: 'at_x', baseUrl: 'http://127.0.0.1:9', flushIntervalMs: 600000 })
      console.log('done')
    `
    const run = await runScript('module', script, {})
    expect(run).toMatchObject({ code: 0, stdout: 'done\n', stderr: '' })
    expect(run.ms).toBeLessThan(2000)
  })
})
