import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { CLI } from '../helpers/process.js'

/** What a finished CLI process said. */
export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** The environment of a CLI run: no AGENTTRAIL_* from the test's own shell, colours off. */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AGENTTRAIL_')),
  )
  return { ...clean, ...env }
}

/**
 * Runs the built CLI to completion without blocking this process (the server under test runs
 * in it, so `spawnSync` would starve it).
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const proc = startCli(args, env)
  return proc.done
}

/** A running CLI process, its output so far, and a wait for a condition on it. */
export interface CliProcess {
  proc: ChildProcess
  stdout(): string
  stderr(): string
  done: Promise<CliResult>
  /** Resolves once `test(stdout)` holds; rejects if the process ends first or after 20 s. */
  waitFor(test: (stdout: string) => boolean, what: string): Promise<void>
}

/** Starts the built CLI with piped output. */
export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const proc = spawn(process.execPath, [CLI, ...args], {
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  const watchers = new Set<() => void>()
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString()
    for (const w of [...watchers]) w()
  })
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const done = new Promise<CliResult>((resolve) =>
    proc.once('close', (code) => resolve({ code, stdout: out, stderr: err })),
  )
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    done,
    waitFor: (test, what) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!test(out)) return
          watchers.delete(check)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(() => {
          watchers.delete(check)
          reject(new Error(`timed out waiting for ${what}; stdout: ${out}\nstderr: ${err}`))
        }, 20_000)
        watchers.add(check)
        void done.then(() => {
          if (!watchers.has(check)) return
          watchers.delete(check)
          clearTimeout(timer)
          if (test(out)) resolve()
          else reject(new Error(`the CLI exited before ${what}; stdout: ${out}\nstderr: ${err}`))
        })
        check()
      }),
  }
}
