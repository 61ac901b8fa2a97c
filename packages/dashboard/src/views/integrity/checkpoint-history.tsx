import { useInfiniteQuery } from '@tanstack/react-query'
import { api } from '../../api/client'
import { ErrorBox, Loading } from '../../components/page'
import { formatNumber, formatTime } from '../../lib/format'
import type { CheckpointRow } from '../../api/log'

const PAGE = 50

/**
 * The signed checkpoints, oldest first, a page at a time: growth checkpoints (the log grew) and
 * hourly heartbeats (it did not, and the server was there to say so).
 */
export function CheckpointHistory() {
  const history = useInfiniteQuery({
    queryKey: ['log', 'checkpoints'],
    queryFn: ({ pageParam, signal }) =>
      api<{ checkpoints: CheckpointRow[]; next_cursor: string | null }>('/api/v1/log/checkpoints', {
        query: { limit: PAGE, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
  if (history.isPending) return <Loading what="Loading the checkpoints" />
  if (history.error) return <ErrorBox error={history.error} />
  const rows = history.data.pages.flatMap((p) => p.checkpoints)
  if (rows.length === 0) return <p className="muted">No checkpoint has been signed yet.</p>
  const growth = rows.filter((r) => r.kind === 'growth').length
  return (
    <>
      <p className="muted">
        {formatNumber(rows.length)} shown: {formatNumber(growth)} growth,{' '}
        {formatNumber(rows.length - growth)} heartbeat.
      </p>
      <table className="simple" aria-label="Checkpoints">
        <thead>
          <tr>
            <th scope="col">Signed</th>
            <th scope="col">Kind</th>
            <th scope="col" className="right">
              Tree size
            </th>
            <th scope="col" className="right">
              Growth
            </th>
            <th scope="col">Root hash</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const before = i > 0 ? rows[i - 1]!.tree_size : 0
            return (
              <tr key={`${r.tree_size}-${r.created_at}`}>
                <td>{formatTime(r.created_at)}</td>
                <td>
                  <span className={`badge ${r.kind === 'growth' ? 'active' : 'pending'}`}>
                    {r.kind}
                  </span>
                </td>
                <td className="right">{formatNumber(r.tree_size)}</td>
                <td className="right">
                  {r.tree_size > before ? `+${formatNumber(r.tree_size - before)}` : '—'}
                </td>
                <td className="mono">{r.root_hash}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {history.hasNextPage ? (
        <button
          type="button"
          disabled={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {history.isFetchingNextPage ? 'Loading…' : 'Load newer checkpoints'}
        </button>
      ) : null}
    </>
  )
}
