import { StoreError } from './app-error.js'
import type { LogLevel } from './config.js'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export type LogFields = Record<string, unknown>

/** Structured logs: one JSON object per line. Callers pass shapes and ids, never payloads or keys. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const min = RANK[level]
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: LogFields) => {
    if (RANK[lvl] < min) return
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`)
  }
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}

/**
 * An error as log fields: its name, message and stack. A store's error (`StoreError`) adds its
 * cause's class, code and stack frames, never the cause's message, which can quote bound values.
 */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: { message: String(error) } }
  const fields: LogFields = { name: error.name, message: error.message, stack: error.stack }
  if (error instanceof StoreError && error.cause instanceof Error)
    fields.cause = {
      name: error.cause.name,
      code: error.driverCode,
      frames: stackFrames(error.cause),
    }
  return { error: fields }
}

/** The `at ...` lines of a stack, without the message lines above them. */
function stackFrames(error: Error): string | undefined {
  return error.stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n')
}
