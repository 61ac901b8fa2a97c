import { closeSync, existsSync, fdatasyncSync, ftruncateSync } from 'node:fs'
import { openSync, statSync, writeSync } from 'node:fs'
import type { EventQuery, TrailReader } from 'agenttrail'
import { commandFlags, printHelp, wholeNumber } from './command-flags.js'
import { EXIT, usage } from './exit-codes.js'
import { FILTER_OPTIONS, eventQuery } from './event-filters.js'
import { EXPORT_HELP } from './export-help.js'
import { exportMeter } from './export-meter.js'
import { clearProgress, loadProgress, progressPath, saveProgress } from './export-progress.js'
import type { ExportProgress } from './export-progress.js'
import { exportRows } from './export-rows.js'
import { fsFailure } from './fs-failure.js'
import { withRemote } from './remote-client.js'
import { REMOTE_OPTIONS } from './remote-target.js'

const OPTIONS = {
  ...REMOTE_OPTIONS,
  ...FILTER_OPTIONS,
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  resume: { type: 'boolean' },
  'page-size': { type: 'string' },
} as const

/** Where the rows go: a file (with a progress file beside it) or stdout. */
interface Sink {
  write(text: string): Promise<void> | void
  /** Bytes written to the file so far; durable once `sync` returns. */
  bytes: number
  sync(): void
  close(): void
}

/**
 * `agenttrail export`: every matching event to JSONL or CSV, newest first, a page at a time
 * (`TrailReader#pages`), so memory stays flat. To a file it is resumable: after each page the
 * output is synced and then the progress file saved, so the progress never claims bytes the file
 * does not hold; `--resume` cuts the file back to the saved length and reads on from the cursor.
 */
export async function exportCommand(args: string[]): Promise<number> {
  try {
    return await exportTo(args)
  } catch (error) {
    // Not the server's: a file that cannot be read or written (remoteFailure rethrows those).
    const failed = fsFailure(error, '')
    if (failed === undefined) throw error
    return failed
  }
}

async function exportTo(args: string[]): Promise<number> {
  const parsed = commandFlags(args, OPTIONS, 'export')
  if (typeof parsed === 'number') return parsed
  const { values: flags, positionals } = parsed
  if (flags.help) return printHelp(EXPORT_HELP)
  if (positionals.length > 0)
    return usage(`export takes flags, not "${positionals[0]}" (see --help)`)
  const output = flags.output
  if (output === undefined) return usage('export needs --output FILE (or --output - for stdout)')
  const pageSize = wholeNumber(flags['page-size'] ?? '1000', 1, 1000)
  if (pageSize === undefined) return usage('--page-size must be a whole number from 1 to 1000')
  const toStdout = output === '-'
  if (toStdout && flags.resume)
    return usage('--resume needs --output FILE: stdout cannot be resumed')

  let start: ExportProgress | undefined
  if (flags.resume) {
    const saved = loadProgress(output)
    if (saved === undefined)
      return usage(
        `nothing to resume: ${progressPath(output)} does not exist (run without --resume)`,
      )
    if ('error' in saved) return usage(saved.error)
    if (flags.format !== undefined && flags.format !== saved.format)
      return usage(`--resume continues the ${saved.format} export; leave out --format`)
    if (Object.keys(FILTER_OPTIONS).some((name) => flags[name as keyof typeof flags] !== undefined))
      return usage('--resume continues the saved query; leave out the filters')
    // Cutting a shorter file back to the saved length would pad it with NUL bytes.
    const size = statSync(output, { throwIfNoEntry: false })?.size
    if (size === undefined || size < saved.bytes)
      return usage(
        `${output} no longer matches ${progressPath(output)}: it is ${size === undefined ? 'missing' : `${size} bytes, shorter than the ${saved.bytes} recorded`}. Delete ${progressPath(output)} and export again without --resume`,
      )
    start = saved
  } else if (!toStdout && existsSync(progressPath(output)))
    return usage(
      `${output} holds an unfinished export: add --resume to continue it, or delete ${progressPath(output)} to start over`,
    )

  const format = start?.format ?? flags.format ?? 'jsonl'
  if (format !== 'jsonl' && format !== 'csv') return usage('--format must be jsonl or csv')
  let query: EventQuery
  if (start) query = start.query
  else {
    const given = eventQuery(flags)
    if ('error' in given) return usage(given.error)
    // Pinned now, so events that arrive during the export do not shift the pages under it.
    query = { ...given, to: given.to ?? new Date().toISOString() }
  }

  return withRemote(flags, 'read', async ({ reader }) => {
    // Opened once the first page has come, so a wrong key or URL leaves an existing file alone.
    let sink: Sink | undefined
    const open = () => (sink ??= toStdout ? stdoutSink() : fileSink(output, start?.bytes))
    try {
      return await run(reader, open, { format, query, start, pageSize, output, toStdout })
    } finally {
      sink?.close()
    }
  })
}

async function run(
  reader: TrailReader,
  open: () => Sink,
  job: {
    format: 'jsonl' | 'csv'
    query: EventQuery
    start: ExportProgress | undefined
    pageSize: number
    output: string
    toStdout: boolean
  },
): Promise<number> {
  const { format, query, start, output, toStdout } = job
  let count = start?.count ?? 0
  const meter = exportMeter(process.stderr, count)
  let sink: Sink | undefined
  for await (const page of reader.pages({ ...query, cursor: start?.cursor, limit: job.pageSize })) {
    if (!sink) {
      sink = open()
      if (!start) await sink.write(exportRows.header(format))
    }
    await sink.write(exportRows.render(format, page.events))
    count += page.events.length
    meter.update(count)
    if (toStdout || page.next_cursor === null || page.events.length === 0) continue
    sink.sync()
    const progress = { format, query, cursor: page.next_cursor, count, bytes: sink.bytes }
    saveProgress(output, { version: 1, ...progress })
  }
  if (!toStdout) {
    sink?.sync()
    clearProgress(output)
  }
  meter.done(count, toStdout ? 'stdout' : output)
  return EXIT.ok
}

function fileSink(path: string, resumeAt: number | undefined): Sink {
  const fd = openSync(path, resumeAt === undefined ? 'w' : 'r+')
  if (resumeAt !== undefined) ftruncateSync(fd, resumeAt)
  const sink: Sink = {
    bytes: resumeAt ?? 0,
    write(text) {
      const buffer = Buffer.from(text, 'utf8')
      let done = 0
      while (done < buffer.length)
        done += writeSync(fd, buffer, done, buffer.length - done, sink.bytes + done)
      sink.bytes += buffer.length
    },
    sync: () => fdatasyncSync(fd),
    close: () => closeSync(fd),
  }
  return sink
}

function stdoutSink(): Sink {
  return {
    bytes: 0,
    write: (text) =>
      new Promise<void>((resolve, reject) => {
        if (text === '') return resolve()
        process.stdout.write(text, (error) => (error ? reject(error) : resolve()))
      }),
    sync: () => {},
    close: () => {},
  }
}
