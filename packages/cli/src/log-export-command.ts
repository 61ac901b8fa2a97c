import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { commandFlags, printHelp } from './command-flags.js'
import { EXIT, exitWith, usage } from './exit-codes.js'
import { fsFailure } from './fs-failure.js'
import { withRemote } from './remote-client.js'
import { REMOTE_OPTIONS } from './remote-target.js'

const OPTIONS = { ...REMOTE_OPTIONS, out: { type: 'string', short: 'o' } } as const

const HELP = `Usage: agenttrail log export [--out FILE]

Downloads the verifiable export of the org's log (GET /api/v1/log/export, JSONL,
agenttrail-log-export/1): the signing keys, every entry up to the latest checkpoint (live events
with their salts, erased ones with their tombstone), every checkpoint with its consistency proof.
\`agenttrail verify FILE\` checks it offline.

  --out FILE, -o FILE   write here (through FILE.partial, renamed when complete); default stdout

Server: --url URL (AGENTTRAIL_URL), --key KEY (AGENTTRAIL_API_KEY), a key with the read scope.
Exit codes: 0 done, 1 failed or cut short, 2 bad flags, 3 server unreachable, 4 key refused.
`

/** `agenttrail log export`: the stream to a file or stdout, with progress on a terminal. */
export async function logExportCommand(args: string[]): Promise<number> {
  const parsed = commandFlags(args, OPTIONS, 'log export')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(HELP)
  if (positionals.length > 0) return usage(`log export takes flags, not "${positionals[0]}"`)
  const out = flags.out === '-' ? undefined : flags.out
  const partial = out === undefined ? undefined : `${out}.partial`
  let fd: number | undefined
  try {
    fd = partial === undefined ? undefined : openSync(partial, 'w')
  } catch (error) {
    const failed = fsFailure(error, partial ?? '')
    if (failed === undefined) throw error
    return failed
  }
  const write = (chunk: Uint8Array): Promise<void> | void =>
    fd === undefined
      ? new Promise((resolve, reject) =>
          process.stdout.write(chunk, (error) => (error ? reject(error) : resolve())),
        )
      : writeAll(fd, chunk)
  // Progress goes to a terminal's stderr, unless the export itself is printed on that terminal.
  const meter = progressMeter(out !== undefined || !process.stdout.isTTY)
  let complete = false
  let code: number
  try {
    code = await withRemote(flags, 'read', async ({ reader }) => {
      let tail = ''
      for await (const chunk of reader.logExport()) {
        await write(chunk)
        const text = Buffer.from(chunk).toString('latin1')
        meter.add(chunk.length, countLines(text))
        tail = (tail + text).slice(-512)
      }
      // The last line is the end line; without it the stream was cut.
      const last = tail.trimEnd().split('\n').at(-1) ?? ''
      if (!last.startsWith('{"type":"end"'))
        return exitWith(EXIT.failure, 'the export was cut short (no end line); run it again')
      complete = true
      return EXIT.ok
    })
    if (fd !== undefined) closeSync(fd)
    fd = undefined
    if (complete && partial !== undefined && out !== undefined) renameSync(partial, out)
  } catch (error) {
    complete = false
    const failed = fsFailure(error, partial ?? '')
    if (failed === undefined) throw error
    code = failed
  } finally {
    if (fd !== undefined) closeSync(fd)
    if (!complete && partial !== undefined) rmSync(partial, { force: true })
  }
  meter.done(complete ? (out ?? 'stdout') : undefined)
  return code
}

function writeAll(fd: number, chunk: Uint8Array): void {
  for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at)
}

function countLines(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** `3,001 lines, 1.2 MB` on stderr, rewritten in place at most every 200 ms, when it is a terminal. */
function progressMeter(allowed: boolean) {
  const stream = process.stderr
  const show = stream.isTTY === true && allowed
  let bytes = 0
  let lines = 0
  let last = 0
  const text = () => `${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(1)} MB`
  return {
    add(b: number, l: number): void {
      bytes += b
      lines += l
      if (!show || Date.now() - last < 200) return
      last = Date.now()
      stream.write(`\r${text()}\x1b[K`)
    },
    done(where: string | undefined): void {
      if (show) stream.write(`\r${text()}\x1b[K\n`)
      if (where !== undefined && where !== 'stdout')
        stream.write(`Exported the log (${text()}) to ${where}.\n`)
    },
  }
}
