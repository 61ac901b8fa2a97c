import { safeText } from './safe-text.js'

/** Whether stdout gets colours: a terminal, and NO_COLOR unset or empty (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean } = process.stdout): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2 } as const
type Paint = (code: keyof typeof CODES, text: string) => string

/** `paint('red', text)` in ANSI colour, or the text unchanged when colours are off. */
export function painter(color: boolean): Paint {
  return (code, text) => (color && text !== '' ? `\x1b[${CODES[code]}m${text}\x1b[0m` : text)
}

const STATUS_COLOR = {
  success: 'green',
  error: 'red',
  denied: 'magenta',
  pending: 'yellow',
} as const

type Fields = Record<string, unknown>

/**
 * One event on one line: time (UTC), environment when not production, agent, kind, status, what
 * it did (provider/model for an LLM call, else service/action), tokens, cost, duration and title.
 */
export function eventLine(e: Fields, color = false): string {
  const paint = painter(color)
  const status = str(e.status)
  const what = e.model
    ? [e.provider, e.model].filter(Boolean).join('/')
    : [e.service, e.action].filter(Boolean).join('/')
  const parts = [
    paint('dim', time(e.ts)),
    e.environment && e.environment !== 'production' ? paint('blue', `[${str(e.environment)}]`) : '',
    paint('cyan', str(e.agent) || '-'),
    str(e.kind),
    paint(STATUS_COLOR[status as keyof typeof STATUS_COLOR] ?? 'dim', status),
    str(what),
    numbers(e.tokens_total, e.cost_usd, e.duration_ms),
    oneLine(e.title),
  ]
  return parts.filter((p) => p !== '').join('  ')
}

/** An `action.new` row (AgentLedger's ActionLog) on one line. */
export function actionLine(a: Fields, color = false): string {
  const paint = painter(color)
  const status = str(a.status)
  const cents =
    typeof a.estimated_cost_cents === 'number' ? a.estimated_cost_cents / 100 : undefined
  return [
    paint('dim', time(a.created_at)),
    paint('cyan', str(a.agent_name) || '-'),
    'action',
    paint(STATUS_COLOR[status as keyof typeof STATUS_COLOR] ?? 'dim', status),
    str([a.service, a.action].filter(Boolean).join('/')),
    numbers(undefined, cents, a.duration_ms),
  ]
    .filter((p) => p !== '')
    .join('  ')
}

/** An `alert.new` row on one line. */
export function alertLine(a: Fields, color = false): string {
  const paint = painter(color)
  return [
    paint('dim', time(a.created_at)),
    paint('cyan', str(a.agent_name) || '-'),
    paint('red', `ALERT ${str(a.severity)}`),
    str(a.alert_type),
    oneLine(a.message),
  ]
    .filter((p) => p !== '')
    .join('  ')
}

// `2026-05-01 08:00:00.123Z`: sortable, and UTC like the server.
function time(value: unknown): string {
  const ms = typeof value === 'number' ? value : Date.parse(str(value))
  return Number.isNaN(ms) ? str(value) : new Date(ms).toISOString().replace('T', ' ')
}

function numbers(tokens: unknown, cost: unknown, duration: unknown): string {
  const out: string[] = []
  if (typeof tokens === 'number' && tokens > 0) out.push(`${tokens} tok`)
  if (typeof cost === 'number' && cost > 0)
    out.push(`$${cost < 0.01 ? cost.toPrecision(2) : cost.toFixed(4)}`)
  if (typeof duration === 'number') out.push(`${duration} ms`)
  return out.join(' ')
}

// Whitespace (line breaks too) folds to one space first; what control characters remain show as
// escapes.
function oneLine(value: unknown): string {
  return safeText(raw(value).replace(/\s+/g, ' ').trim())
}

function str(value: unknown): string {
  return safeText(raw(value))
}

function raw(value: unknown): string {
  return value === null || value === undefined ? '' : String(value)
}
