import { useInfiniteQuery } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { api } from '../../api/client'
import { useStreamFrames } from '../../api/stream'
import { eventsUrl, matchesFilters } from './event-filters'
import type { EventFilters } from './event-filters'
import type { EventPage, FeedEvent } from './event-model'

/** Rows per page: enough to fill a tall screen twice, small enough to answer in milliseconds. */
const PAGE_ROWS = 100
/** Live rows held above the loaded pages; older ones drop off (they are in the next reload). */
const LIVE_CAP = 5_000

/**
 * The Events feed: pages of `GET /api/v1/events` loaded by cursor as the user scrolls (never a
 * count of everything, so it stays fast at millions of events), with live `event.new` frames that
 * match the filters on top. While `atTop` is false, live rows wait in `waiting` (shown as a
 * "N new events" pill) instead of moving the rows the user is reading.
 */
export function useEventFeed(filters: EventFilters, atTop: boolean) {
  const key = useMemo(() => JSON.stringify(filters), [filters])
  const query = useInfiniteQuery({
    queryKey: ['events', 'feed', key],
    queryFn: ({ pageParam, signal }) =>
      api<EventPage>(
        eventsUrl(filters, { limit: String(PAGE_ROWS), ...(pageParam && { cursor: pageParam }) }),
        { signal },
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Live rows keep the feed current; refetching would reload every page the user scrolled through.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    // Live rows do not outlive the view, so neither do the pages: coming back starts from the top.
    gcTime: 0,
  })
  const [live, setLive] = useState<{ key: string; shown: FeedEvent[]; waiting: FeedEvent[] }>({
    key,
    shown: [],
    waiting: [],
  })
  // New filters start a new feed: live rows of the old one do not belong to it.
  const current = live.key === key ? live : { key, shown: [], waiting: [] }

  useStreamFrames((frame) => {
    if (frame.type !== 'event.new') return
    const event = frame.data as unknown as FeedEvent
    if (typeof event.id !== 'string' || !matchesFilters(event, filters)) return
    setLive((prev) => {
      const base = prev.key === key ? prev : { key, shown: [], waiting: [] }
      if (base.shown.some((e) => e.id === event.id) || base.waiting.some((e) => e.id === event.id))
        return base
      return atTop
        ? { ...base, shown: [event, ...base.shown].slice(0, LIVE_CAP) }
        : { ...base, waiting: [event, ...base.waiting].slice(0, LIVE_CAP) }
    })
  })

  /** Moves the waiting rows into the feed (the pill was clicked, or the user scrolled back up). */
  const showWaiting = useCallback(
    () =>
      setLive((prev) =>
        prev.key !== key || prev.waiting.length === 0
          ? prev
          : { key, shown: [...prev.waiting, ...prev.shown].slice(0, LIVE_CAP), waiting: [] },
      ),
    [key],
  )
  useEffect(() => {
    if (atTop) showWaiting()
  }, [atTop, showWaiting])

  const rows = useMemo(() => {
    const seen = new Set<string>()
    const out: FeedEvent[] = []
    const add = (e: FeedEvent) => {
      if (seen.has(e.id)) return
      seen.add(e.id)
      out.push(e)
    }
    current.shown.forEach(add)
    for (const page of query.data?.pages ?? []) page.events.forEach(add)
    return out
  }, [current.shown, query.data])

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])

  return {
    rows,
    waiting: current.waiting.length,
    showWaiting,
    loadMore,
    isPending: query.isPending,
    error: query.error,
    hasMore: hasNextPage,
    loadingMore: isFetchingNextPage,
  }
}
