import { safeText } from './safe-text.js'

/**
 * Rows as aligned columns, two spaces apart; columns named in `right` are right-aligned (numbers).
 * Every cell goes through `safeText`: a name from the trail cannot drive the terminal.
 */
export function textTable(
  header: readonly string[],
  body: ReadonlyArray<readonly string[]>,
  right: ReadonlySet<number> = new Set(),
): string {
  const rows = body.map((r) => r.map((cell) => safeText(cell)))
  const widths = header.map((h, i) =>
    Math.max(safeText(h).length, ...rows.map((r) => (r[i] ?? '').length)),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd()
  return [header.map((h) => safeText(h)), ...rows].map((r) => `${line(r)}\n`).join('')
}

/** `12,345`. */
export const count = (n: unknown): string =>
  typeof n === 'number' ? n.toLocaleString('en-US') : '-'

/** `$1.2345`; amounts under a cent keep two significant digits. */
export const usd = (n: unknown): string =>
  typeof n !== 'number' ? '-' : n > 0 && n < 0.01 ? `$${n.toPrecision(2)}` : `$${n.toFixed(4)}`

/** `95.1%` of a 0-1 fraction. */
export const percent = (n: unknown): string =>
  typeof n === 'number' ? `${(n * 100).toFixed(1)}%` : '-'
