const numberFormat = new Intl.NumberFormat('en-US')
const compactFormat = new Intl.NumberFormat('en-US', {
  notation: 'compact',
  maximumFractionDigits: 1,
})

/** 12,345 */
export const formatNumber = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : numberFormat.format(n)

/** 12.3K */
export const formatCompact = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : compactFormat.format(n)

/** $1.23; sub-cent amounts keep four decimals so small LLM calls do not read $0.00. */
export function formatUsd(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  const abs = Math.abs(n)
  const digits = abs > 0 && abs < 0.01 ? 4 : 2
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`
}

/** A fraction 0..1 as a percentage: 12.5% */
export const formatPercent = (f: number | null | undefined, digits = 1): string =>
  f === null || f === undefined || Number.isNaN(f) ? '—' : `${(f * 100).toFixed(digits)}%`

/** 850 ms, 1.2 s, 3 min 5 s */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  const min = Math.floor(ms / 60_000)
  if (min < 60) return `${min} min ${Math.round((ms % 60_000) / 1000)} s`
  return `${Math.floor(min / 60)} h ${min % 60} min`
}

/** 2026-05-03 14:00:10 in the browser's zone, for tables. */
export function formatTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return String(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** "3 min ago", "in 2 h", for last-seen columns. */
export function formatAgo(iso: string | number | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return 'never'
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return String(iso)
  const s = Math.round((now - t) / 1000)
  const abs = Math.abs(s)
  const [v, unit] =
    abs < 60
      ? [abs, 's']
      : abs < 3600
        ? [Math.round(abs / 60), 'min']
        : abs < 86_400
          ? [Math.round(abs / 3600), 'h']
          : [Math.round(abs / 86_400), 'd']
  return s >= 0 ? `${v} ${unit} ago` : `in ${v} ${unit}`
}
