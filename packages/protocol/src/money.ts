const DECIMAL = /^(\d{1,12})(?:\.(\d{1,12}))?$/

/**
 * Parses a non-negative decimal amount of US dollars (number or string) into integer micro-dollars,
 * exactly: `"0.0123"` and `0.0123` both give 12300. Digits past the sixth decimal are rounded half up.
 * Returns `undefined` for anything that is not such a number.
 */
export function usdToMicros(value: number | string): number | undefined {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim()
  if (text === undefined) return undefined
  const match = DECIMAL.exec(text)
  if (!match) return undefined
  const whole = Number(match[1])
  const fraction = (match[2] ?? '').padEnd(7, '0')
  let micros = whole * 1_000_000 + Number(fraction.slice(0, 6))
  if (Number(fraction[6]) >= 5) micros += 1
  return micros
}

/** Integer micro-dollars back to a JSON number of dollars (exact to the sixth decimal). */
export function microsToUsd(micros: number): number {
  return Number((micros / 1_000_000).toFixed(6))
}

function numberToPlain(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined
  // Avoid exponent notation for small values such as 1e-7.
  return value.toFixed(12).replace(/\.?0+$/, '')
}
