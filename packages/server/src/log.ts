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

/** An error as log fields: its name, message and stack, with no bound values (stores wrap theirs). */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error)
    return { error: { name: error.name, message: error.message, stack: error.stack } }
  return { error: { message: String(error) } }
}
