import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url))

export interface ServerProcess {
  url: string
  proc: ChildProcess
  stderr: () => string
  stdout: () => string
  exited: Promise<number | null>
}

/** Starts `agenttrail serve --port 0` (the built CLI) and resolves once it listens. */
export async function spawnServer(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return listening(proc)
}

/**
 * Starts a server whose parent never reaps it: `proc` is that parent (a shell that became
 * `sleep`), `serverPid` the server. A server killed here stays a zombie until `proc` is killed,
 * as a process does while its supervisor has not yet waited for it.
 */
export async function spawnUnreapedServer(
  dataDir: string,
): Promise<ServerProcess & { serverPid: number }> {
  const serve = [process.execPath, CLI, 'serve', '--port', '0', '--data-dir', dataDir]
  const script = `${serve.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ')} & echo "server pid $!"; exec sleep 600`
  const proc = spawn('/bin/sh', ['-c', script], {
    env: { ...process.env, AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const server = await listening(proc)
  const pid = /server pid (\d+)/.exec(server.stdout())?.[1]
  if (pid === undefined) throw new Error(`no server pid in: ${server.stdout()}`)
  return { ...server, serverPid: Number(pid) }
}

async function listening(proc: ChildProcess): Promise<ServerProcess> {
  let err = ''
  let out = ''
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20_000)
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString()
      const match = /listening on (http:\/\/\S+)/.exec(err)
      if (match) {
        clearTimeout(timer)
        resolve(match[1] as string)
      }
    })
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${err}`)))
  })
  return { url, proc, stderr: () => err, stdout: () => out, exited }
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}
