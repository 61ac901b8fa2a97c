import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabase } from '../helpers/postgres.js'
import { runCli } from '../helpers/process.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** README.md, docs/**.md and the packages' READMEs, in that order. */
function docFiles(): string[] {
  const docs = (readdirSync(join(ROOT, 'docs'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f))
    .sort()
  const packages = readdirSync(join(ROOT, 'packages'))
    .map((p) => join('packages', p, 'README.md'))
    .filter((f) => existsSync(join(ROOT, f)))
  return ['README.md', ...docs, ...packages]
}

/** Whether a shell line runs the CLI (after any `NAME=value` assignments). */
function invokesCli(line: string): boolean {
  const words = line.split(/\s+/)
  const at = words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w))
  const [first, second, third] = words.slice(at)
  return (
    first === 'agenttrail' ||
    first?.endsWith('/agenttrail') === true ||
    (first === 'npx' && second === 'agenttrail') ||
    (first === 'npm' && second === 'exec' && third === 'agenttrail') ||
    (first === 'node' && second?.startsWith('packages/cli/') === true)
  )
}

/** Every line of a shell code block that runs the CLI, without its trailing comment. */
function documentedCommands(): Array<{ file: string; command: string }> {
  const found: Array<{ file: string; command: string }> = []
  for (const file of docFiles()) {
    const blocks = readFileSync(join(ROOT, file), 'utf8').matchAll(
      /^```(?:sh|bash|shell|console)\n([\s\S]*?)^```/gm,
    )
    for (const [, body] of blocks)
      for (const raw of (body as string).replace(/\\\n/g, ' ').split('\n')) {
        const command = raw
          .replace(/^\$ /, '')
          .replace(/\s+#.*$/, '')
          .trim()
        if (command && !command.startsWith('#') && invokesCli(command))
          found.push({ file, command })
      }
  }
  return found
}

const COMMANDS = documentedCommands()

// A shell as a user has it after `npm install`: npm's own bin folders (which `npm test` puts on
// the PATH) and npm's variables are not there.
const userEnv = (): NodeJS.ProcessEnv => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^npm_/i.test(name) && !name.startsWith('AGENTTRAIL_') && name !== 'DATABASE_URL',
    ),
  )
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.includes('node_modules'))
    .join(':')
  return env
}

let sandbox = ''
let databaseUrl: string | undefined

/**
 * The command as written, pointed at this test's folders: `./data` and absolute paths move into
 * the sandbox (whose data folder is also the default one), a port becomes 0, a PostgreSQL URL a
 * fresh test database, `[optional]` arguments are given, and `<id>` is the newest active key.
 */
async function prepare(command: string): Promise<string> {
  let line = command
    .replace(/\[([^\]]*)\]/g, '$1')
    .replace(/--port \d+/g, '--port 0')
    .replace(/(^|\s)(\/\S+)/g, (_, space: string, path: string) => {
      const moved = join(sandbox, 'root', path)
      mkdirSync(dirname(moved), { recursive: true })
      return `${space}${moved}`
    })
    .replace(/(^|\s)\.\/data(?=\s|$)/g, `$1${join(sandbox, 'data')}`)
  if (/postgres:\/\/\S+/.test(line)) {
    databaseUrl ??= await freshDatabase()
    line = line.replace(/postgres:\/\/\S+/g, databaseUrl)
  }
  if (line.includes('<id>')) {
    const listed = runCli(['keys', 'list', '--data-dir', join(sandbox, 'data')]).stdout
    const active = listed
      .trim()
      .split('\n')
      .slice(1)
      .filter((row) => row.endsWith('\t-'))
    line = line.replaceAll('<id>', active.at(-1)?.split('\t')[0] ?? 'no-active-key')
  }
  if (/<[^>]+>|\.\.\./.test(line)) throw new Error(`this test cannot fill in: ${line}`)
  return line
}

/** Runs a long-running `serve` command until it listens, then stops it with SIGTERM. */
async function serveOnce(line: string) {
  const proc = spawn('/bin/sh', ['-c', `exec ${line}`], {
    cwd: ROOT,
    env: { ...userEnv(), AGENTTRAIL_DATA_DIR: join(sandbox, 'data') },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const url = await new Promise<string | undefined>((resolve) => {
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      const match = /listening on (http:\/\/\S+)/.exec(stderr)
      if (match) resolve(match[1])
    })
    void exited.then(() => resolve(undefined))
  })
  const health = url && (await fetch(`${url.replace('0.0.0.0', '127.0.0.1')}/healthz`)).status
  proc.kill('SIGTERM')
  return { health, code: await exited, stderr }
}

describe('the CLI commands the docs show', () => {
  beforeAll(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'agenttrail-docs-'))
    const bin = join(ROOT, 'node_modules', '.bin', 'agenttrail')
    if (!existsSync(bin))
      throw new Error(`${bin} is missing: run npm install, which links the agenttrail command`)
  })
  afterAll(() => rmSync(sandbox, { recursive: true, force: true }))

  it('are found', () => {
    // The keys, orgs, backup and serve commands of docs/operations.md at least.
    expect(COMMANDS.length).toBeGreaterThanOrEqual(10)
    for (const sub of ['serve', 'keys create', 'keys rotate', 'orgs plan', 'backup'])
      expect(COMMANDS.some(({ command }) => command.includes(` ${sub} `))).toBe(true)
  })

  it.each(COMMANDS)(
    '$file: $command',
    async ({ command }) => {
      const line = await prepare(command)
      if (/ serve(\s|$)/.test(line)) {
        expect(await serveOnce(line)).toMatchObject({ health: 200, code: 0 })
        return
      }
      const result = spawnSync('/bin/sh', ['-c', line], {
        cwd: ROOT,
        env: { ...userEnv(), AGENTTRAIL_DATA_DIR: join(sandbox, 'data') },
        encoding: 'utf8',
      })
      expect({ line, code: result.status, stderr: result.stderr }).toEqual({
        line,
        code: 0,
        stderr: '',
      })
    },
    60_000,
  )
})
