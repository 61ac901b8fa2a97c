export const BUDGET_PERIODS = ['hourly', 'daily', 'weekly', 'monthly'] as const
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number]

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * The start (inclusive) and end (exclusive) of the budget period holding `at`, in Unix ms, on the
 * UTC calendar: the hour, midnight, Monday midnight, the first of the month. A budget's counters are
 * kept per period start, so a new period starts from zero without any reset job.
 */
export function budgetPeriod(period: BudgetPeriod, at: number): { start: number; end: number } {
  switch (period) {
    case 'hourly': {
      const start = Math.floor(at / HOUR) * HOUR
      return { start, end: start + HOUR }
    }
    case 'daily': {
      const start = Math.floor(at / DAY) * DAY
      return { start, end: start + DAY }
    }
    case 'weekly': {
      const midnight = Math.floor(at / DAY) * DAY
      // getUTCDay: 0 is Sunday; Monday starts the week.
      const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7
      const start = midnight - sinceMonday * DAY
      return { start, end: start + 7 * DAY }
    }
    case 'monthly': {
      const d = new Date(at)
      return {
        start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
        end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
      }
    }
  }
}
