import { formatDuration } from '../../lib/format'
import { axisTicks } from './waterfall-layout'
import type { WaterfallRow } from './waterfall-layout'

const STATUS_CLASS: Record<string, string> = {
  success: 'ok',
  error: 'bad',
  blocked: 'bad',
  denied: 'bad',
  pending: 'warn',
}

function rowLabel(r: WaterfallRow): string {
  const a = r.action
  const what = r.span?.title ?? [a.service, a.action].filter(Boolean).join(' · ')
  return what || r.span?.kind || 'action'
}

/**
 * The waterfall: a time axis and one bar per action, placed by its start and sized by its
 * duration, indented under its parent span. Actions that ran at the same time sit on separate rows
 * with overlapping bars and share a "parallel" mark. Each row is a button that opens the action.
 */
export function Waterfall({
  rows,
  totalMs,
  selectedId,
  onSelect,
}: {
  rows: readonly WaterfallRow[]
  totalMs: number
  selectedId: string | undefined
  onSelect: (id: string) => void
}) {
  const ticks = axisTicks(totalMs)
  const pct = (ms: number) => `${(ms / totalMs) * 100}%`
  return (
    <div className="waterfall" role="group" aria-label="Waterfall of the trace's actions">
      <div className="wf-axis" aria-hidden="true">
        <div className="wf-label-col" />
        <div className="wf-track">
          {ticks.map((t) => (
            <span key={t} className="wf-tick" style={{ left: pct(t) }}>
              {formatDuration(t)}
            </span>
          ))}
        </div>
      </div>
      <ol className="wf-rows">
        {rows.map((r) => {
          const a = r.action
          const label = rowLabel(r)
          return (
            <li key={a.id}>
              <button
                type="button"
                className={`wf-row${selectedId === a.id ? ' selected' : ''}`}
                aria-pressed={selectedId === a.id}
                data-parallel={r.parallelGroup ?? undefined}
                title={`${label}: starts at +${formatDuration(r.startMs)}, runs ${formatDuration(r.durationMs)}, ${a.status}`}
                onClick={() => onSelect(a.id)}
              >
                <span className="wf-label-col" style={{ paddingLeft: 6 + r.depth * 14 }}>
                  <span className="wf-label">{label}</span>
                  {r.parallelGroup !== null ? (
                    <span className="badge wf-parallel">parallel {r.parallelGroup}</span>
                  ) : null}
                </span>
                <span className="wf-track">
                  {ticks.map((t) => (
                    <span key={t} className="wf-grid" style={{ left: pct(t) }} />
                  ))}
                  <span
                    className={`wf-bar ${STATUS_CLASS[a.status] ?? 'ok'}`}
                    style={{ left: pct(r.startMs), width: pct(r.durationMs) }}
                  />
                  <DurationLabel
                    startPct={(r.startMs / totalMs) * 100}
                    endPct={((r.startMs + r.durationMs) / totalMs) * 100}
                    text={formatDuration(r.durationMs)}
                  />
                </span>
              </button>
            </li>
          )
        })}
      </ol>
    </div>
  )
}

/**
 * A bar's duration: after the bar when there is room on the right, before it when there is room on
 * the left, else inside the bar's right end.
 */
function DurationLabel({
  startPct,
  endPct,
  text,
}: {
  startPct: number
  endPct: number
  text: string
}) {
  if (endPct <= 85)
    return (
      <span className="wf-duration" style={{ left: `calc(${endPct}% + 4px)` }}>
        {text}
      </span>
    )
  if (startPct >= 15)
    return (
      <span className="wf-duration" style={{ right: `calc(${100 - startPct}% + 4px)` }}>
        {text}
      </span>
    )
  return (
    <span className="wf-duration inside" style={{ right: `calc(${100 - endPct}% + 4px)` }}>
      {text}
    </span>
  )
}
