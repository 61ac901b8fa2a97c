import { useQueryClient } from '@tanstack/react-query'
import type { QueryKey } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import type { StreamFrame } from '../../api/stream'
import { useStreamFrames } from '../../api/stream'

/**
 * Refetches `keys` when stream frames arrive (those `accept` lets through), at most once per
 * `everyMs` (default 1000 ms): a busy org sends hundreds of frames a second, and one refetch after a
 * burst shows the same thing as hundreds.
 */
export function useLiveInvalidate(
  keys: readonly QueryKey[],
  accept: (frame: StreamFrame) => boolean = () => true,
  everyMs = 1000,
): void {
  const client = useQueryClient()
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const latest = useRef(keys)
  latest.current = keys
  useEffect(() => () => clearTimeout(timer.current), [])
  useStreamFrames((frame) => {
    if (!accept(frame) || timer.current !== undefined) return
    timer.current = setTimeout(() => {
      timer.current = undefined
      for (const queryKey of latest.current) void client.invalidateQueries({ queryKey })
    }, everyMs)
  })
}
