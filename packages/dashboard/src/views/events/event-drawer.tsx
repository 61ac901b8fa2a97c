import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { api } from '../../api/client'
import { Drawer } from '../../components/drawer'
import { ErrorBox, Loading } from '../../components/page'
import { EventDetailBody } from './event-detail'
import { eventLabel } from './event-model'
import type { EventDetail } from './event-model'

/** Keys typed into a field are text, not navigation. */
function typingIn(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  )
}

/**
 * One event in full (`GET /api/v1/events/{id}`), over the right of the view. J or ↓ moves to the
 * next row, K or ↑ to the previous one, Escape closes; the Events feed and the trace waterfall
 * both open it.
 */
export function EventDrawer({
  id,
  onClose,
  onPrev,
  onNext,
  position,
}: {
  id: string
  onClose: () => void
  onPrev?: () => void
  onNext?: () => void
  /** "3 of 120": where the row is in the list the keys walk. */
  position?: string
}) {
  const detail = useQuery({
    queryKey: ['events', 'detail', id],
    queryFn: ({ signal }) =>
      api<EventDetail>(`/api/v1/events/${encodeURIComponent(id)}`, { signal }),
    staleTime: 60_000,
  })
  const moves = useRef({ onPrev, onNext })
  moves.current = { onPrev, onNext }
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || typingIn(e.target)) return
      const { onPrev: prev, onNext: next } = moves.current
      if ((e.key === 'j' || e.key === 'J' || e.key === 'ArrowDown') && next) {
        e.preventDefault()
        next()
      } else if ((e.key === 'k' || e.key === 'K' || e.key === 'ArrowUp') && prev) {
        e.preventDefault()
        prev()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  const title = detail.data ? eventLabel(detail.data) : 'Event'
  return (
    <Drawer
      title={title}
      onClose={onClose}
      footer={
        onPrev || onNext ? (
          <>
            <button type="button" onClick={onPrev} disabled={!onPrev} aria-keyshortcuts="K">
              ↑ Previous (K)
            </button>
            <button type="button" onClick={onNext} disabled={!onNext} aria-keyshortcuts="J">
              ↓ Next (J)
            </button>
            {position ? <span className="muted drawer-position">{position}</span> : null}
          </>
        ) : undefined
      }
    >
      {detail.isPending ? (
        <Loading what="Loading the event" />
      ) : detail.error ? (
        <ErrorBox error={detail.error} />
      ) : (
        <EventDetailBody event={detail.data} />
      )}
    </Drawer>
  )
}
