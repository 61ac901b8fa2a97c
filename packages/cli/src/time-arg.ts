const UNITS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/**
 * An instant from a flag, as ISO 8601: an ISO date or date-time (`2026-05-01`,
 * `2026-05-01T08:00:00Z`), epoch milliseconds, or a time before `now` (`30s`, `15m`, `1h`, `7d`,
 * `2w`). Undefined when the text is none of these.
 */
export function parseInstant(text: string, now = Date.now()): string | undefined {
  const relative = /^(\d+)([smhdw])$/.exec(text.trim())
  if (relative)
    return new Date(now - Number(relative[1]) * (UNITS[relative[2] as string] ?? 0)).toISOString()
  if (/^\d{10,}$/.test(text)) return new Date(Number(text)).toISOString()
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString()
}

/** What `parseInstant` accepts, for messages. */
export const INSTANT_FORMS =
  'an ISO date or time (2026-05-01, 2026-05-01T08:00:00Z), epoch ms (10 or more digits) or a time ago (30s, 15m, 1h, 7d, 2w)'
