export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000

/** Start of the UTC hour or day that contains `ms`. */
export function floorTo(ms: number, size: number): number {
  return Math.floor(ms / size) * size
}

export function ceilTo(ms: number, size: number): number {
  return Math.ceil(ms / size) * size
}

/**
 * Splits [from, to) into whole UTC days, whole hours around them, and the sub-hour edges that only
 * raw rows can answer. Rollups answer the first two; the edges are scanned.
 */
export function splitRange(
  from: number,
  to: number,
): {
  days: [number, number] | null
  hours: Array<[number, number]>
  raw: Array<[number, number]>
} {
  const hStart = ceilTo(from, HOUR_MS)
  const hEnd = floorTo(to, HOUR_MS)
  if (hStart >= hEnd) return { days: null, hours: [], raw: from < to ? [[from, to]] : [] }
  const raw: Array<[number, number]> = []
  if (from < hStart) raw.push([from, hStart])
  if (hEnd < to) raw.push([hEnd, to])
  const dStart = ceilTo(hStart, DAY_MS)
  const dEnd = floorTo(hEnd, DAY_MS)
  if (dStart >= dEnd) return { days: null, hours: [[hStart, hEnd]], raw }
  const hours: Array<[number, number]> = []
  if (hStart < dStart) hours.push([hStart, dStart])
  if (dEnd < hEnd) hours.push([dEnd, hEnd])
  return { days: [dStart, dEnd], hours, raw }
}
