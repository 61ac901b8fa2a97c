import { useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { Link, useLocation } from 'wouter'
import { api } from '../../api/client'
import { EmptyState, ErrorBox, Loading, Page } from '../../components/page'
import { formatAgo, formatNumber } from '../../lib/format'
import { hrefWithEnv, useEnvironment } from '../../lib/url-state'
import type { EventPage } from '../events/event-model'
import './traces.css'

/** How many of the newest events are scanned for trace ids. */
const SCAN = 1_000

interface RecentTrace {
  id: string
  last: string
  agents: Set<string>
  events: number
  errors: number
}

/**
 * Traces: open one by id (pasted from a log, say), or pick one of the traces seen among the newest
 * events. The list is a sample of recent activity, never a scan of the whole trail.
 */
export default function TracesView() {
  const environment = useEnvironment()
  const [, navigate] = useLocation()
  const [id, setId] = useState('')
  const recent = useQuery({
    queryKey: ['events', 'recent-traces', environment],
    queryFn: ({ signal }) =>
      api<EventPage>('/api/v1/events', { query: { limit: SCAN, environment }, signal }),
  })
  const traces = useMemo(() => {
    const byId = new Map<string, RecentTrace>()
    for (const e of recent.data?.events ?? []) {
      if (!e.trace_id) continue
      let t = byId.get(e.trace_id)
      if (!t)
        byId.set(
          e.trace_id,
          (t = { id: e.trace_id, last: e.ts, agents: new Set(), events: 0, errors: 0 }),
        )
      t.events += 1
      if (e.status === 'error' || e.status === 'denied') t.errors += 1
      if (e.agent) t.agents.add(e.agent)
    }
    return [...byId.values()]
  }, [recent.data])
  const open = (trace: string) =>
    navigate(hrefWithEnv(`/traces/${encodeURIComponent(trace)}`, environment))
  return (
    <Page title="Traces">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault()
          if (id.trim()) open(id.trim())
        }}
      >
        <label className="field">
          <span>Trace id</span>
          <input
            className="trace-id-input"
            value={id}
            placeholder="Paste a trace id"
            onChange={(e) => setId(e.target.value)}
            autoComplete="off"
          />
        </label>
        <button type="submit" className="primary" disabled={!id.trim()}>
          Open trace
        </button>
      </form>
      <section className="panel">
        <h2>Recent traces</h2>
        <p className="muted">Traces among the newest {formatNumber(SCAN)} events.</p>
        {recent.isPending ? (
          <Loading what="Looking for recent traces" />
        ) : recent.error ? (
          <ErrorBox error={recent.error} />
        ) : traces.length === 0 ? (
          <EmptyState title="No recent event carries a trace id">
            <p>
              Send events with a <code>trace_id</code> (and <code>span_id</code>,{' '}
              <code>parent_span_id</code> for nesting) to see them as a waterfall here.
            </p>
          </EmptyState>
        ) : (
          <table className="simple">
            <thead>
              <tr>
                <th scope="col">Trace</th>
                <th scope="col">Agents</th>
                <th scope="col" className="right">
                  Events seen
                </th>
                <th scope="col" className="right">
                  Errors
                </th>
                <th scope="col">Last event</th>
              </tr>
            </thead>
            <tbody>
              {traces.map((t) => (
                <tr key={t.id}>
                  <td className="mono">
                    <Link href={hrefWithEnv(`/traces/${encodeURIComponent(t.id)}`, environment)}>
                      {t.id}
                    </Link>
                  </td>
                  <td>{[...t.agents].join(', ') || '—'}</td>
                  <td className="right">{formatNumber(t.events)}</td>
                  <td className="right">{formatNumber(t.errors)}</td>
                  <td>{formatAgo(t.last)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Page>
  )
}
