import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { api } from '../../api/client'
import type { TimelineItem, TimelinePage } from './conversation-types'
import { isConversationFrame, useLiveRefresh } from './use-live-refresh'

const PAGE = 200
/** Pages read per refresh of what arrived live; past that, "Load more" takes over. */
const LIVE_PAGES = 5

const path = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}/timeline`

/**
 * One conversation's timeline: the snapshot taken when the view opened (paged by cursor), plus
 * everything committed since it (`since` = the snapshot's `last_seq`), which the stream refreshes
 * while the conversation runs. The two never overlap: the snapshot's pages stop at its `last_seq`.
 * Items are in timeline order (`ts`, then `seq`), because a late commit can carry an earlier `ts`.
 */
export function useTimeline(id: string) {
  const snapshot = useInfiniteQuery({
    queryKey: ['conversations', 'timeline', id, 'snapshot'],
    queryFn: ({ pageParam, signal }) =>
      api<TimelinePage>(path(id), { query: { limit: PAGE, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  })
  const since = snapshot.data?.pages[0]?.last_seq
  const live = useQuery({
    queryKey: ['conversations', 'timeline', id, 'live', since],
    enabled: since !== undefined,
    queryFn: async ({ signal }) => {
      const items: TimelineItem[] = []
      let cursor: string | undefined
      for (let i = 0; i < LIVE_PAGES; i++) {
        const page = await api<TimelinePage>(path(id), {
          query: cursor ? { limit: PAGE, cursor } : { limit: PAGE, since },
          signal,
        })
        items.push(...page.events)
        if (!page.next_cursor) break
        cursor = page.next_cursor
      }
      return items
    },
  })
  useLiveRefresh(['conversations', 'timeline', id, 'live'], (f) => isConversationFrame(f, id), {
    enabled: since !== undefined,
    waitMs: 250,
  })
  const items = useMemo(() => {
    const seen = new Set<string>()
    const all: TimelineItem[] = []
    for (const item of [
      ...(snapshot.data?.pages.flatMap((p) => p.events) ?? []),
      ...(live.data ?? []),
    ])
      if (!seen.has(item.id)) {
        seen.add(item.id)
        all.push(item)
      }
    return all.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts) || a.seq - b.seq)
  }, [snapshot.data, live.data])
  return {
    items,
    isPending: snapshot.isPending,
    error: snapshot.error ?? live.error,
    hasMore: snapshot.hasNextPage,
    loadingMore: snapshot.isFetchingNextPage,
    loadMore: () => void snapshot.fetchNextPage(),
  }
}
