import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useMemo } from 'react'
import { Link, useParams } from 'wouter'
import { api, ApiError } from '../../api/client'
import { useStreamFrames } from '../../api/stream'
import { EmptyState, ErrorBox, Loading, Page, StatCard } from '../../components/page'
import { formatDuration, formatNumber, formatTime, formatUsd } from '../../lib/format'
import { hrefWithEnv, useEnvironment, useUrlState } from '../../lib/url-state'
import { EventDrawer } from '../events/event-drawer'
import type { EventPage } from '../events/event-model'
import { Waterfall } from './waterfall'
import { layoutWaterfall } from './waterfall-layout'
import type { SpanInfo, TraceAnswer } from './waterfall-layout'
import '../events/events.css'
import './traces.css'

/** The trace endpoint returns at most this many actions; their spans are read up to the same. */
const MAX_ACTIONS = 5_000

/**
 * One trace as a waterfall (`GET /api/v1/traces/{traceId}`), with span nesting from the native
 * events of the trace. Clicking a bar opens the event drawer; J and K walk the bars.
 */
export default function TraceView() {
  const traceId = useParams<{ id: string }>().id ?? ''
  const environment = useEnvironment()
  const [params, set] = useUrlState()
  const trace = useQuery({
    queryKey: ['traces', traceId],
    queryFn: ({ signal }) =>
      api<TraceAnswer>(`/api/v1/traces/${encodeURIComponent(traceId)}`, { signal }),
    retry: (n, e) => !(e instanceof ApiError && e.status === 404) && n < 1,
  })
  // The trace rows do not carry span ids; the native events of the trace do.
  const spans = useQuery({
    queryKey: ['events', 'trace-spans', traceId],
    queryFn: async ({ signal }) => {
      const out = new Map<string, SpanInfo>()
      let cursor: string | null = null
      do {
        const page: EventPage = await api<EventPage>('/api/v1/events', {
          query: { trace_id: traceId, limit: 1000, cursor },
          signal,
        })
        for (const e of page.events) out.set(e.id, e)
        cursor = page.next_cursor
      } while (cursor && out.size < MAX_ACTIONS)
      return out
    },
  })
  // Actions of this trace that arrive while it is open redraw it.
  const client = useQueryClient()
  useStreamFrames((frame) => {
    if (frame.type === 'event.new' && frame.data.trace_id === traceId) {
      void client.invalidateQueries({ queryKey: ['traces', traceId] })
      void client.invalidateQueries({ queryKey: ['events', 'trace-spans', traceId] })
    }
  })
  const layout = useMemo(
    () => (trace.data ? layoutWaterfall(trace.data, spans.data ?? new Map()) : undefined),
    [trace.data, spans.data],
  )
  const selectedId = params.event
  const rows = layout?.rows ?? []
  const index = selectedId ? rows.findIndex((r) => r.action.id === selectedId) : -1
  const select = useCallback((id: string) => set({ event: id }), [set])
  const close = useCallback(() => set({ event: null }), [set])

  const back = (
    <Link href={hrefWithEnv('/traces', environment)} className="button">
      All traces
    </Link>
  )
  if (trace.isPending) return <Loading what="Loading the trace" />
  if (trace.error instanceof ApiError && trace.error.status === 404)
    return (
      <Page title={`Trace ${traceId}`} actions={back}>
        <EmptyState title="No action carries this trace id">
          <p>Check the id, or pick a recent trace on the Traces page.</p>
        </EmptyState>
      </Page>
    )
  if (trace.error) return <ErrorBox error={trace.error} />
  const t = trace.data!
  const s = t.summary
  return (
    <Page
      title={`Trace ${traceId}`}
      actions={
        <>
          <Link
            href={hrefWithEnv('/events', environment, { trace_id: traceId })}
            className="button"
          >
            Its events
          </Link>
          {back}
        </>
      }
    >
      <div className="cards">
        <StatCard label="Actions" value={formatNumber(s.actionCount)} />
        <StatCard
          label="Wall time"
          value={formatDuration(s.wallDuration)}
          sub={`${formatDuration(s.totalDuration)} summed`}
        />
        <StatCard
          label="Parallel groups"
          value={formatNumber(layout?.parallelGroups ?? s.parallelGroupCount)}
          sub="siblings that overlap in time"
        />
        <StatCard label="Cost" value={formatUsd(s.totalCost / 100)} />
        <StatCard
          label="Errors"
          value={s.hasErrors ? 'Yes' : 'None'}
          tone={s.hasErrors ? 'bad' : 'good'}
        />
      </div>
      <p className="muted trace-meta">
        Started {formatTime(t.actions[0]?.created_at)} · services {s.services.join(', ') || '—'}
        {spans.data ? '' : spans.error ? ' · span nesting unavailable' : ' · reading spans…'}
      </p>
      {t.truncated ? (
        <div className="error-box" role="alert">
          This trace has more than {formatNumber(MAX_ACTIONS)} actions; the first are shown.
        </div>
      ) : null}
      <section className="panel">
        <Waterfall
          rows={rows}
          totalMs={layout?.totalMs ?? 1}
          selectedId={selectedId}
          onSelect={select}
        />
      </section>
      {selectedId ? (
        <EventDrawer
          id={selectedId}
          onClose={close}
          onPrev={index > 0 ? () => select(rows[index - 1]!.action.id) : undefined}
          onNext={
            index >= 0 && index < rows.length - 1
              ? () => select(rows[index + 1]!.action.id)
              : undefined
          }
          position={index >= 0 ? `${index + 1} of ${rows.length}` : undefined}
        />
      ) : null}
    </Page>
  )
}
