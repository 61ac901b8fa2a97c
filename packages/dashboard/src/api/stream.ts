import { useEffect, useRef, useSyncExternalStore } from 'react'

/** One frame of the live stream: its type (`event.new`, `alert.new`) and parsed data. */
export interface StreamFrame {
  type: 'event.new' | 'alert.new'
  seq: number | null
  data: Record<string, unknown>
}

type Listener = (frame: StreamFrame) => void
type Status = 'connecting' | 'live' | 'reconnecting' | 'off'

/**
 * The dashboard's single EventSource. Browsers allow six HTTP/1.1 connections per origin, so every
 * view shares this one stream and filters frames itself. The session cookie authenticates it; the
 * browser reconnects by itself with `Last-Event-ID`, so nothing is missed across a drop.
 */
class LiveStream {
  private source: EventSource | undefined
  private listeners = new Set<Listener>()
  private statusListeners = new Set<() => void>()
  status: Status = 'off'

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    this.open()
    return () => {
      this.listeners.delete(listener)
      // Nobody listens once the shell is gone (signed out, or the session ended): a stream left
      // open would go on delivering under the session it was opened with.
      if (this.listeners.size === 0) this.close()
    }
  }

  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  getStatus = (): Status => this.status

  close(): void {
    this.source?.close()
    this.source = undefined
    this.setStatus('off')
  }

  private setStatus(status: Status): void {
    if (status === this.status) return
    this.status = status
    this.statusListeners.forEach((f) => f())
  }

  private open(): void {
    if (this.source) return
    const source = new EventSource('/api/v1/stream?events=event.new,alert.new', {
      withCredentials: true,
    })
    this.source = source
    this.setStatus('connecting')
    source.onopen = () => this.setStatus('live')
    source.onerror = () => this.setStatus(source.readyState === 2 ? 'off' : 'reconnecting')
    for (const type of ['event.new', 'alert.new'] as const)
      source.addEventListener(type, (e) => {
        const message = e as MessageEvent<string>
        let data: Record<string, unknown>
        try {
          data = JSON.parse(message.data) as Record<string, unknown>
        } catch {
          return
        }
        const seq = message.lastEventId ? Number(message.lastEventId) : null
        for (const listener of this.listeners) listener({ type, seq, data })
      })
  }
}

export const liveStream = new LiveStream()

/** Calls `handler` for each frame while the component is mounted (the latest handler wins). */
export function useStreamFrames(handler: Listener, enabled = true): void {
  const ref = useRef(handler)
  ref.current = handler
  useEffect(() => {
    if (!enabled) return
    return liveStream.subscribe((frame) => ref.current(frame))
  }, [enabled])
}

/** The stream's connection state, for the header's live indicator. */
export function useStreamStatus(): Status {
  return useSyncExternalStore(liveStream.onStatus, liveStream.getStatus)
}
