import { useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import type { Agent } from '../../api/types'
import type { Column } from '../../components/data-table'
import { DataTable } from '../../components/data-table'
import { FirstEventHint } from '../../components/first-event'
import { EmptyState, ErrorBox, Loading, Page } from '../../components/page'
import { formatAgo, formatNumber, formatPercent, formatTime, formatUsd } from '../../lib/format'
import { hrefWithEnv, useEnvironment, useUrlState } from '../../lib/url-state'
import { useLiveInvalidate } from '../control/use-live-invalidate'
import { AgentControls } from './agent-controls'
import '../control/control.css'

const STATUSES = ['active', 'paused', 'killed'] as const

/** Agents: every agent per environment with its status, counts, cost and last activity; pause, resume, kill. */
export default function AgentsView() {
  const environment = useEnvironment()
  const [params, set] = useUrlState()
  const agents = useQuery({
    queryKey: ['agents', environment],
    queryFn: () => api<{ agents: Agent[] }>('/api/v1/agents', { query: { environment } }),
  })
  useLiveInvalidate([['agents']], (f) => f.type === 'event.new', 3000)
  const search = (params.q ?? '').toLowerCase()
  const status = params.status ?? ''
  const rows = useMemo(
    () =>
      (agents.data?.agents ?? []).filter(
        (a) =>
          (!status || a.status === status) && (!search || a.name.toLowerCase().includes(search)),
      ),
    [agents.data, status, search],
  )
  const [controlError, setControlError] = useState<unknown>()
  const columns = useMemo(() => agentColumns(environment, setControlError), [environment])
  return (
    <Page title="Agents">
      <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Name contains</span>
          <input
            type="search"
            value={params.q ?? ''}
            onChange={(e) => set({ q: e.target.value })}
            placeholder="support-bot"
          />
        </label>
        <label className="field">
          <span>Status</span>
          <select value={status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {agents.data ? (
          <span className="muted toolbar-note">
            {formatNumber(rows.length)} of {formatNumber(agents.data.agents.length)} agents
          </span>
        ) : null}
      </form>
      <ErrorBox error={controlError} />
      {agents.isPending ? (
        <Loading what="Loading agents" />
      ) : agents.error ? (
        <ErrorBox error={agents.error} />
      ) : agents.data.agents.length === 0 ? (
        <>
          <EmptyState title="No agents yet">
            <p>An agent appears here with its first event.</p>
          </EmptyState>
          <FirstEventHint />
        </>
      ) : rows.length === 0 ? (
        <EmptyState title="No agent matches these filters">
          <p>
            Clear the name or status filter to see all {formatNumber(agents.data.agents.length)}{' '}
            agents.
          </p>
          <button type="button" onClick={() => set({ q: null, status: null })}>
            Clear filters
          </button>
        </EmptyState>
      ) : (
        // Wrapped: the shared table grows to fill a flex column, and this one is only as tall as its rows.
        <div>
          <DataTable
            label="Agents"
            rows={rows}
            columns={columns}
            rowKey={(a) => `${a.environment}\u0000${a.name}`}
            // As tall as its rows up to most of the screen; beyond that it scrolls (virtual rows).
            height={`min(70vh, ${rows.length * 34 + 2}px)`}
          />
        </div>
      )}
    </Page>
  )
}

function agentColumns(
  environment: string | undefined,
  onError: (error: unknown) => void,
): Column<Agent>[] {
  return [
    {
      id: 'name',
      header: 'Agent',
      width: 'minmax(140px, 2fr)',
      cell: (a) => (
        <Link href={hrefWithEnv(`/agents/${encodeURIComponent(a.name)}`, environment)}>
          {a.name}
        </Link>
      ),
    },
    { id: 'environment', header: 'Environment', cell: (a) => a.environment },
    {
      id: 'status',
      header: 'Status',
      width: '90px',
      cell: (a) => <span className={`badge ${a.status}`}>{a.status}</span>,
    },
    {
      id: 'events',
      header: 'Events',
      align: 'right',
      width: '90px',
      cell: (a) => formatNumber(a.events),
    },
    {
      id: 'errors',
      header: 'Errors',
      align: 'right',
      width: '110px',
      cell: (a) => (
        <span title={`${formatPercent(a.events ? a.errors / a.events : 0)} of events`}>
          {formatNumber(a.errors)}
        </span>
      ),
    },
    {
      id: 'cost',
      header: 'Cost',
      align: 'right',
      width: '100px',
      cell: (a) => formatUsd(a.cost_usd),
    },
    {
      id: 'last_seen',
      header: 'Last seen',
      width: '110px',
      cell: (a) => <span title={formatTime(a.last_seen)}>{formatAgo(a.last_seen)}</span>,
    },
    {
      id: 'actions',
      header: 'Control',
      width: '170px',
      cell: (a) => <AgentControls agent={a} onError={onError} />,
    },
  ]
}
