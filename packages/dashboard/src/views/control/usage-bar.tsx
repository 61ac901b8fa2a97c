/**
 * How much of a limit a period used: a bar (a `meter` for assistive technology) with "used of
 * limit" and the percentage. Amber from 75 %, red from 100 %, as the server grades budgets.
 */
export function UsageBar({
  label,
  used,
  limit,
  percent,
}: {
  label: string
  used: string
  limit: string | null
  percent: number | null
}) {
  if (limit === null || percent === null) return <span className="muted">{used}, no limit</span>
  const tone = percent >= 100 ? ' bad' : percent >= 75 ? ' warn' : ''
  return (
    <div className="usage">
      <div className="usage-label">
        <span>
          {used} of {limit}
        </span>
        <span className="muted">{percent.toFixed(percent < 10 ? 1 : 0)}%</span>
      </div>
      <div
        className="bar"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(100, percent)}
        aria-valuetext={`${used} of ${limit} (${percent}%)`}
      >
        <div className={`bar-fill${tone}`} style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
    </div>
  )
}
