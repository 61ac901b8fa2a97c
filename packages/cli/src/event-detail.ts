import { painter } from './event-line.js'
import { safeText } from './safe-text.js'

/**
 * One event in full for a person: `field  value` per line, in the event's own order, empty fields
 * left out, objects and arrays as indented JSON.
 */
export function eventDetail(event: Record<string, unknown>, color = false): string {
  const paint = painter(color)
  const entries = Object.entries(event).filter(
    ([, v]) =>
      v !== null &&
      v !== undefined &&
      v !== '' &&
      !(Array.isArray(v) && v.length === 0) &&
      !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0),
  )
  const width = Math.max(...entries.map(([k]) => k.length))
  return entries
    .map(([key, value]) => {
      // Line breaks stay (an input or output reads as written); other controls show as escapes.
      const text =
        typeof value === 'object'
          ? safeText(JSON.stringify(value, null, 2), true).replace(
              /\n/g,
              `\n${' '.repeat(width + 2)}`,
            )
          : safeText(String(value), true)
      return `${paint('dim', safeText(key).padEnd(width))}  ${text}\n`
    })
    .join('')
}
