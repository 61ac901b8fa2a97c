import { formatUsd } from '../../lib/format'

/**
 * A call's cost with four decimals under a dollar: one LLM call often costs fractions of a cent,
 * and $0.0123 against $0.0098 is the comparison a reader of a timeline wants.
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—'
  if (Math.abs(usd) >= 1) return formatUsd(usd)
  return `$${usd.toFixed(4)}`
}
