import { useQuery } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { api, ApiError } from '../../api/client'
import type { Agent } from '../../api/types'
import { DataTable } from '../../components/data-table'
import { FirstEventHint } from '../../components/first-event'
import { EmptyState, ErrorBox, Loading, Page } from '../../components/page'
import { formatNumber } from '../../lib/format'
import { useUrlState } from '../../lib/url-state'
import { ColumnPicker } from './column-picker'
import { buildColumns, formatColumns, metadataKeys, parseColumns } from './event-columns'
import { CHIP_LABELS, hasNarrowingFilters, readFilters } from './event-filters'
import type { FilterKey } from './event-filters'
import { EventDrawer } from './event-drawer'
import type { FeedEvent } from './event-model'
import { ExportMenu } from './export-menu'
import { FilterBar } from './filter-bar'
import { useEventFeed } from './use-event-feed'
import './events.css'

/** Within this many pixels of the top the feed counts as "at the top" and takes live rows in place. */
const TOP_SLACK = 40

/**
 * Events: the live, filterable feed of everything agents did. Filters, columns and the open event
 * live in the URL; rows page in by cursor as the user scrolls; new events arrive through the stream.
 */
export default function EventsView() {
  const [params, set] = useUrlState()
  const filters = useMemo(() => readFilters(params), [params])
  const filterKey = JSON.stringify(filters)
  const columnIds = useMemo(() => parseColumns(params.cols), [params.cols])
  const scroller = useRef<HTMLDivElement>(null)
  const [atTop, setAtTop] = useState(true)
  const feed = useEventFeed(filters, atTop)
  const agents = useQuery({
    queryKey: ['agents', 'all'],
    queryFn: () => api<{ agents: Agent[] }>('/api/v1/agents'),
  })

  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 })
  }, [filterKey])

  const setFilters = useCallback(
    (patch: Partial<Record<FilterKey, string | null>>) =>
      set({ ...patch, event: null }, { push: true }),
    [set],
  )
  const filterBy = useCallback(
    (key: FilterKey, value: string) => setFilters({ [key]: value }),
    [setFilters],
  )
  const columns = useMemo(() => buildColumns(columnIds, filterBy), [columnIds, filterBy])
  const metaKeys = useMemo(() => metadataKeys(feed.rows), [feed.rows])
  const suggestions = useMemo(
    () => suggest(feed.rows, agents.data?.agents),
    [feed.rows, agents.data],
  )

  const selectedId = params.event
  const index = selectedId ? feed.rows.findIndex((e) => e.id === selectedId) : -1
  const open = useCallback((e: FeedEvent) => set({ event: e.id }), [set])
  const close = useCallback(() => set({ event: null }), [set])
  const prev = index > 0 ? () => open(feed.rows[index - 1]!) : undefined
  const next =
    index >= 0 && index < feed.rows.length - 1 ? () => open(feed.rows[index + 1]!) : undefined

  const fieldErrors = feed.error instanceof ApiError ? feed.error.fieldErrors() : {}
  const showWaiting = () => {
    scroller.current?.scrollTo({ top: 0 })
    feed.showWaiting()
  }

  return (
    <Page
      title="Events"
      actions={
        <>
          <ColumnPicker
            chosen={columnIds}
            metaKeys={metaKeys}
            onChange={(ids) => set({ cols: formatColumns(ids) })}
          />
          <ExportMenu filters={filters} />
        </>
      }
    >
      <FilterBar
        filters={filters}
        set={setFilters}
        suggestions={suggestions}
        fieldErrors={fieldErrors}
      />
      {feed.error && Object.keys(fieldErrors).length === 0 ? <ErrorBox error={feed.error} /> : null}
      <div className="feed" data-at-top={atTop}>
        {feed.waiting > 0 ? (
          <button type="button" className="new-pill" onClick={showWaiting}>
            {formatNumber(feed.waiting)} new {feed.waiting === 1 ? 'event' : 'events'}
          </button>
        ) : null}
        {feed.isPending ? (
          <Loading what="Loading events" />
        ) : feed.rows.length === 0 && !feed.error ? (
          <NoEvents
            narrowed={hasNarrowingFilters(filters)}
            environment={filters.environment}
            clear={() =>
              setFilters(Object.fromEntries(Object.keys(CHIP_LABELS).map((k) => [k, null])))
            }
          />
        ) : (
          <DataTable
            rows={feed.rows}
            columns={columns}
            rowKey={(e) => e.id}
            onRowClick={open}
            selected={index >= 0 ? index : undefined}
            onEndReached={feed.loadMore}
            label="Events, newest first"
            height="auto"
            scrollerRef={scroller}
            onScroll={(e) => setAtTop(e.currentTarget.scrollTop <= TOP_SLACK)}
          />
        )}
      </div>
      <p className="feed-foot muted" role="status">
        {formatNumber(feed.rows.length)} loaded
        {feed.loadingMore ? ', loading more…' : feed.hasMore ? ', more as you scroll' : ', the end'}
      </p>
      {selectedId ? (
        <EventDrawer
          id={selectedId}
          onClose={close}
          onPrev={prev}
          onNext={next}
          position={
            index >= 0
              ? `${index + 1} of ${formatNumber(feed.rows.length)}${feed.hasMore ? '+' : ''}`
              : undefined
          }
        />
      ) : null}
    </Page>
  )
}

function NoEvents({
  narrowed,
  environment,
  clear,
}: {
  narrowed: boolean
  environment: string | undefined
  clear: () => void
}) {
  if (narrowed)
    return (
      <EmptyState title="No events match these filters">
        <p>New matching events will appear here as they arrive.</p>
        <button type="button" onClick={clear}>
          Clear filters
        </button>
      </EmptyState>
    )
  if (environment)
    return (
      <EmptyState title={`No events in the ${environment} environment yet`}>
        <p>Choose another environment in the header, or send an event with this environment.</p>
      </EmptyState>
    )
  return <FirstEventHint />
}

/** Known values for the text filters: agents from the API, the rest from the loaded rows. */
function suggest(rows: readonly FeedEvent[], agents: Agent[] | undefined) {
  const sets: Partial<Record<FilterKey, Set<string>>> = {}
  const add = (k: FilterKey, v: string | null) => {
    if (v) (sets[k] ??= new Set()).add(v)
  }
  for (const a of agents ?? []) add('agent', a.name)
  for (const e of rows.slice(0, 1_000)) {
    add('agent', e.agent)
    add('service', e.service)
    add('model', e.model)
    add('kind', e.kind)
    add('action', e.action)
    add('user', e.user)
    for (const t of e.tags) add('tag', t)
  }
  return Object.fromEntries(
    Object.entries(sets).map(([k, s]) => [k, [...s].sort().slice(0, 200)]),
  ) as Partial<Record<FilterKey, string[]>>
}
