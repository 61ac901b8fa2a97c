import { Link } from 'wouter'
import type { Column } from '../../components/data-table'
import { DataTable } from '../../components/data-table'
import { formatTime } from '../../lib/format'
import { useEnvironment } from '../../lib/url-state'
import { eventHref } from '../conversations/event-href'
import type { Evaluation } from './evaluation-types'

/** A score from 0 to 100 with a bar, red under 50 and amber under 75. */
export function Score({ score }: { score: number }) {
  const tone = score < 50 ? ' bad' : score < 75 ? ' warn' : ''
  return (
    <span className="score" title={`${score} out of 100`}>
      {score}
      <span className="bar" aria-hidden="true">
        <span className={`bar-fill${tone}`} style={{ width: `${score}%` }} />
      </span>
    </span>
  )
}

/** The latest evaluations, newest first; each links to the event it scores. */
export function EvaluationTable({ rows }: { rows: readonly Evaluation[] }) {
  const environment = useEnvironment()
  const columns: Column<Evaluation>[] = [
    { id: 'time', header: 'Time', width: '160px', cell: (e) => formatTime(e.created_at) },
    { id: 'agent', header: 'Agent', width: 'minmax(100px, 1fr)', cell: (e) => e.agent ?? '—' },
    { id: 'score', header: 'Score', width: '110px', cell: (e) => <Score score={e.score} /> },
    { id: 'label', header: 'Label', width: 'minmax(90px, 0.8fr)', cell: (e) => e.label ?? '—' },
    {
      id: 'feedback',
      header: 'Feedback',
      width: 'minmax(160px, 2fr)',
      cell: (e) => <span title={e.feedback ?? undefined}>{e.feedback ?? '—'}</span>,
    },
    {
      id: 'by',
      header: 'Evaluated by',
      width: 'minmax(90px, 0.8fr)',
      cell: (e) => e.evaluated_by ?? '—',
    },
    {
      id: 'event',
      header: 'Event',
      width: 'minmax(120px, 1fr)',
      cell: (e) => (
        <Link
          href={eventHref(e.event_id, environment)}
          className="mono"
          title={`Open event ${e.event_id}`}
        >
          {e.event_id}
        </Link>
      ),
    },
  ]
  return (
    <DataTable
      label="Recent evaluations"
      rows={rows}
      columns={columns}
      rowKey={(e) => e.id}
      height={`${Math.min(rows.length, 12) * 34 + 2}px`}
    />
  )
}
