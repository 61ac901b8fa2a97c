import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { CLI } from '../helpers/process.js'

// A module hook that names every module of the server package that gets loaded.
const HOOKS = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  if (resolved.url.includes('/packages/server/')) process.stderr.write('SERVER ' + resolved.url + '\\n')
  return resolved
}`
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(
  `data:text/javascript,${encodeURIComponent(HOOKS)}`,
)})`

/** The stderr of the built CLI run with the hook. */
function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, CLI, ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stderr })))
}

// Each test runs the CLI as processes, one after another: on a loaded machine each takes seconds.
describe('the commands that talk to a running server', { timeout: 120_000 }, () => {
  it('load none of the server package (it costs about a second of start-up)', async () => {
    for (const command of [
      ['tail'],
      ['events'],
      ['export'],
      ['stats'],
      ['agents'],
      ['log', 'status'],
      ['log', 'proof'],
      ['log', 'export'],
      ['erase'],
    ]) {
      const { code, stderr } = await run([...command, '--help'])
      expect(code, command.join(' ')).toBe(0)
      expect(stderr, command.join(' ')).not.toContain('SERVER')
    }
    // The hook works: a store command does load the server.
    expect((await run(['keys', 'list', '--data-dir', '/nonexistent/agenttrail'])).stderr).toContain(
      'SERVER',
    )
  })
})
