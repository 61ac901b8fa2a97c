/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (leading `=`, `+`, `-`,
 * `@`, tab or carriage return) gets a leading apostrophe, per OWASP's CSV injection advice.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text =
    typeof value === 'string'
      ? value
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value)
  if (typeof value !== 'number' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One CSV line of cells, ended by CRLF (RFC 4180). */
export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
