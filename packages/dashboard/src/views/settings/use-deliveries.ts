import { useInfiniteQuery } from '@tanstack/react-query'
import { api } from '../../api/client'
import type { Delivery } from './settings-types'

interface DeliveryPage {
  deliveries: Delivery[]
  next_before: string | null
}

/**
 * A webhook's or channel's delivery log (`<base>/{id}/deliveries`), newest first, paged by its
 * `next_before` cursor. While a delivery is pending it is read again every second, so a test send
 * or a redelivery shows its outcome without a reload. `base` is `/api/v1/webhooks` or
 * `/api/v1/notifications`; the query key starts with the resource (`webhooks`, `notifications`).
 */
export function useDeliveries(resource: 'webhooks' | 'notifications', id: string | undefined) {
  return useInfiniteQuery({
    queryKey: [resource, id, 'deliveries'],
    enabled: id !== undefined,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api<DeliveryPage>(`/api/v1/${resource}/${encodeURIComponent(id ?? '')}/deliveries`, {
        query: { limit: 20, before: pageParam },
        signal,
      }),
    getNextPageParam: (last) => last.next_before ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.deliveries.some((d) => d.status === 'pending'))
        ? 1000
        : false,
  })
}

/** One line for a delivery's outcome: "delivered, HTTP 200 in 12 ms" or the last error. */
export function deliveryOutcome(d: Delivery): string {
  const last = d.attempts_log.at(-1)
  const http = d.last_status !== null ? `HTTP ${d.last_status}` : undefined
  const took = last ? ` in ${last.duration_ms} ms` : ''
  if (d.status === 'delivered') return `delivered, ${http ?? 'no status'}${took}`
  const why = [http, d.last_error].filter(Boolean).join(', ')
  if (d.status === 'failed') return `failed after ${d.attempts} attempts${why ? `: ${why}` : ''}`
  return d.attempts === 0
    ? 'pending, not sent yet'
    : `pending, attempt ${d.attempts} failed${why ? `: ${why}` : ''}; retrying`
}
