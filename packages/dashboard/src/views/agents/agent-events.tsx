import { useInfiniteQuery } from '@tanstack/react-query'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { EmptyState, ErrorBox, Loading } from '../../components/page'
import { formatDuration, formatTime, formatUsd } from '../../lib/format'
import { hrefWithEnv } from '../../lib/url-state'
import { useLiveInvalidate } from '../control/use-live-invalidate'

/** The fields of an event this list shows (the API sends many more). */
interface EventRow {
  id: string
  ts: string
  environment: string
  kind: string
  service: string | null
  action: string | null
  status: string
  title: string | null
  duration_ms: number | null
  cost_usd: number | null
}

const PAGE = 25

/** An agent's newest events, a page at a time by cursor; new ones arrive through the stream. */
export function AgentEvents({ name, environment }: { name: string; environment?: string }) {
  const events = useInfiniteQuery({
    queryKey: ['events', 'agent', name, environment],
    queryFn: ({ pageParam }) =>
      api<{ events: EventRow[]; next_cursor: string | null }>('/api/v1/events', {
        query: { agent: name, environment, limit: PAGE, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
  useLiveInvalidate(
    [['events', 'agent', name]],
    (f) => f.type === 'event.new' && f.data.agent === name,
  )
  const rows = events.data?.pages.flatMap((p) => p.events) ?? []
  return (
    <section className="panel table-panel" aria-labelledby="agent-events-title">
      <div className="section-head">
        <h2 id="agent-events-title">Recent events</h2>
        <div className="row-actions">
          <Link href={hrefWithEnv('/events', environment, { agent: name })}>
            Open in Events with every filter
          </Link>
        </div>
      </div>
      {events.isPending ? (
        <Loading what="Loading events" />
      ) : events.error ? (
        <ErrorBox error={events.error} />
      ) : rows.length === 0 ? (
        <EmptyState title="No events for this agent">
          <p>Events this agent sends appear here as they are committed.</p>
        </EmptyState>
      ) : (
        <>
          <table className="simple" aria-label={`Recent events of ${name}`}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                {environment ? null : <th scope="col">Environment</th>}
                <th scope="col">Kind</th>
                <th scope="col">Service · action</th>
                <th scope="col">Status</th>
                <th scope="col">Title</th>
                <th scope="col" className="right">
                  Duration
                </th>
                <th scope="col" className="right">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td className="mono">
                    {/* The Events view opens one event's detail from `?event=`, among this agent's. */}
                    <Link
                      href={hrefWithEnv('/events', environment, { agent: name, event: e.id })}
                      aria-label={`Open the event of ${formatTime(e.ts)} in Events`}
                    >
                      {formatTime(e.ts)}
                    </Link>
                  </td>
                  {environment ? null : <td>{e.environment}</td>}
                  <td>{e.kind}</td>
                  <td>{[e.service, e.action].filter(Boolean).join(' · ') || '—'}</td>
                  <td>
                    <span className={`badge ${e.status}`}>{e.status}</span>
                  </td>
                  <td>{e.title ?? ''}</td>
                  <td className="right">{formatDuration(e.duration_ms)}</td>
                  <td className="right">{e.cost_usd ? formatUsd(e.cost_usd) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {events.hasNextPage ? (
            <div className="form-actions">
              <button
                type="button"
                disabled={events.isFetchingNextPage}
                onClick={() => void events.fetchNextPage()}
              >
                {events.isFetchingNextPage ? 'Loading…' : 'Older events'}
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  )
}
