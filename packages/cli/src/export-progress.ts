import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import type { EventQuery } from 'agenttrail'

/**
 * Where an export stands, kept next to its output (`FILE.progress`) after every page written: the
 * query (with `to` pinned at the start, so the set of events cannot grow), the cursor after the
 * last page written, the events and the bytes written by then. A resumed export cuts the output
 * back to `bytes` (a page half-written when the process died goes) and goes on from `cursor`.
 */
export interface ExportProgress {
  version: 1
  format: 'jsonl' | 'csv'
  query: EventQuery
  cursor: string
  count: number
  bytes: number
}

/** The progress file of an output file. */
export function progressPath(output: string): string {
  return `${output}.progress`
}

/** Writes the progress atomically (a temporary file renamed over it): never half a file. */
export function saveProgress(output: string, progress: ExportProgress): void {
  const path = progressPath(output)
  writeFileSync(`${path}.tmp`, `${JSON.stringify(progress)}\n`)
  renameSync(`${path}.tmp`, path)
}

/** The saved progress, undefined when there is none, or a message when it cannot be used. */
export function loadProgress(output: string): ExportProgress | undefined | { error: string } {
  let text: string
  try {
    text = readFileSync(progressPath(output), 'utf8')
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const p = JSON.parse(text) as Partial<ExportProgress>
    if (
      p.version === 1 &&
      (p.format === 'jsonl' || p.format === 'csv') &&
      typeof p.query === 'object' &&
      p.query !== null &&
      typeof p.cursor === 'string' &&
      Number.isSafeInteger(p.count) &&
      Number.isSafeInteger(p.bytes)
    )
      return p as ExportProgress
  } catch {
    // Reported below, like any other damage.
  }
  return { error: `${progressPath(output)} is damaged; delete it and export again` }
}

/** Removes the progress file: the export is complete. */
export function clearProgress(output: string): void {
  rmSync(progressPath(output), { force: true })
  rmSync(`${progressPath(output)}.tmp`, { force: true })
}
