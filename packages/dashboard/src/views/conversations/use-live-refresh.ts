import { useQueryClient } from '@tanstack/react-query'
import type { QueryKey } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import type { StreamFrame } from '../../api/stream'
import { useStreamFrames } from '../../api/stream'

/**
 * Refreshes the queries under `queryKey` when a stream frame matches, at most once per `waitMs`
 * (default 500 ms). A burst of frames from a busy agent then costs one refetch, not one per event;
 * the refetch starts after the first frame of the burst's window, so the last frame is covered
 * (its event was committed before the frame was sent).
 */
export function useLiveRefresh(
  queryKey: QueryKey,
  matches: (frame: StreamFrame) => boolean,
  options: { enabled?: boolean; waitMs?: number } = {},
): void {
  const client = useQueryClient()
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const key = useRef(queryKey)
  key.current = queryKey
  useStreamFrames((frame) => {
    if (timer.current !== undefined || !matches(frame)) return
    timer.current = setTimeout(() => {
      timer.current = undefined
      void client.invalidateQueries({ queryKey: key.current })
    }, options.waitMs ?? 500)
  }, options.enabled ?? true)
  useEffect(
    () => () => {
      if (timer.current !== undefined) clearTimeout(timer.current)
      timer.current = undefined
    },
    [],
  )
}

/** Whether a frame is a new event of the given conversation. */
export const isConversationFrame = (frame: StreamFrame, id?: string): boolean =>
  frame.type === 'event.new' &&
  typeof frame.data.conversation_id === 'string' &&
  (id === undefined || frame.data.conversation_id === id)
