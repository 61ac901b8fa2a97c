import { useInfiniteQuery } from '@tanstack/react-query'
import { useCallback } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import type { Column } from '../../components/data-table'
import { DataTable } from '../../components/data-table'
import { EmptyState, ErrorBox, Loading, Page } from '../../components/page'
import { formatCompact, formatDuration, formatNumber, formatTime } from '../../lib/format'
import { hrefWithEnv, useEnvironment, useUrlState } from '../../lib/url-state'
import type { Conversation, ConversationPage } from './conversation-types'
import { formatCost } from './format-cost'
import { DateInput, FilterSelect, useAgentNames, useModelNames } from './filter-controls'
import { isConversationFrame, useLiveRefresh } from './use-live-refresh'
import './conversations.css'

const COLUMNS: Column<Conversation>[] = [
  {
    id: 'subject',
    header: 'Subject',
    width: 'minmax(160px, 3fr)',
    cell: (c) => (
      <span title={c.subject ?? c.conversation_id}>
        {c.subject ?? <span className="muted">{c.conversation_id}</span>}
      </span>
    ),
  },
  { id: 'agent', header: 'Assistant', width: 'minmax(90px, 1fr)', cell: (c) => c.agent ?? '—' },
  {
    id: 'models',
    header: 'Models',
    width: 'minmax(90px, 1fr)',
    cell: (c) => <span title={c.models.join(', ')}>{c.models.join(', ') || '—'}</span>,
  },
  {
    id: 'calls',
    header: 'Calls',
    width: '70px',
    align: 'right',
    cell: (c) => (
      <span
        title={`${c.calls.llm} LLM, ${c.calls.tool} tool, ${c.calls.http} HTTP; ${c.errors} errors`}
      >
        {formatNumber(c.calls.total)}{' '}
        {c.errors > 0 ? <span className="badge error conv-errors">{c.errors} err</span> : null}
      </span>
    ),
  },
  {
    id: 'tokens',
    header: 'Tokens',
    width: '80px',
    align: 'right',
    cell: (c) => <span title={formatNumber(c.tokens.total)}>{formatCompact(c.tokens.total)}</span>,
  },
  {
    id: 'cost',
    header: 'Cost',
    width: '80px',
    align: 'right',
    cell: (c) => formatCost(c.cost_usd),
  },
  {
    id: 'span',
    header: 'Time span',
    width: 'minmax(180px, 1.4fr)',
    cell: (c) => (
      <span title={`${formatTime(c.started_at)} to ${formatTime(c.ended_at)}`}>
        {formatTime(c.started_at)} <span className="muted">· {formatDuration(c.duration_ms)}</span>
      </span>
    ),
  },
]

/**
 * Conversations (the API Logs view): one row per conversation with its subject, assistant, calls,
 * tokens, cost and time span, newest activity first, filtered by date range, agent and model.
 */
export default function ConversationsView() {
  const environment = useEnvironment()
  const [params, set] = useUrlState()
  const [, navigate] = useLocation()
  const filter = {
    from: params.from,
    to: params.to,
    agent: params.agent,
    model: params.model,
    environment,
  }
  const list = useInfiniteQuery({
    queryKey: ['conversations', 'list', filter],
    queryFn: ({ pageParam, signal }) =>
      api<ConversationPage>('/api/v1/conversations', {
        query: { ...filter, limit: 100, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
  // A running conversation moves to the top with its new figures.
  useLiveRefresh(['conversations', 'list'], (f) => isConversationFrame(f), { waitMs: 1000 })
  const agents = useAgentNames(environment)
  const models = useModelNames(environment)
  const rows = list.data?.pages.flatMap((p) => p.conversations) ?? []
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list
  const more = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])
  const filtered = Boolean(params.from || params.to || params.agent || params.model)

  return (
    <Page title="Conversations">
      <form className="toolbar" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <DateInput
          label="From"
          value={params.from}
          max={params.to}
          onChange={(v) => set({ from: v })}
        />
        <DateInput
          label="To"
          value={params.to}
          min={params.from}
          onChange={(v) => set({ to: v })}
        />
        <FilterSelect
          label="Assistant"
          value={params.agent}
          options={agents}
          anyLabel="All agents"
          onChange={(v) => set({ agent: v })}
        />
        <FilterSelect
          label="Model"
          value={params.model}
          options={models}
          anyLabel="All models"
          onChange={(v) => set({ model: v })}
        />
        {filtered ? (
          <button
            type="button"
            onClick={() => set({ from: null, to: null, agent: null, model: null })}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      {list.isPending ? (
        <Loading what="Loading conversations" />
      ) : list.error ? (
        <ErrorBox error={list.error} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={filtered ? 'No conversation matches these filters' : 'No conversations yet'}
        >
          {filtered ? (
            <p>Widen the date range or clear the agent and model filters.</p>
          ) : (
            <p>
              A conversation is the events that share a <code>conversation_id</code>. Set it on your
              LLM, tool and HTTP events (the SDK&apos;s wrappers do it for you) and each
              conversation appears here with its calls, tokens and cost.
            </p>
          )}
        </EmptyState>
      ) : (
        <>
          <DataTable
            label="Conversations"
            rows={rows}
            columns={COLUMNS}
            rowKey={(c) => c.conversation_id}
            onRowClick={(c) =>
              navigate(
                hrefWithEnv(`/conversations/${encodeURIComponent(c.conversation_id)}`, environment),
              )
            }
            onEndReached={more}
            height="calc(100vh - 250px)"
          />
          <div className="conv-foot muted" role="status">
            {formatNumber(rows.length)} conversations
            {hasNextPage ? (
              <button type="button" onClick={more} disabled={isFetchingNextPage}>
                {isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            ) : (
              ' · all loaded'
            )}
          </div>
        </>
      )}
    </Page>
  )
}
