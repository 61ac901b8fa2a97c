/** One Server-Sent Events frame as a client parses it (field name: value). */
export interface SseFrame {
  id?: string
  event?: string
  data?: string
  retry?: string
}

/**
 * Reads SSE frames from a response body as the client receives them: `next()` waits for the next
 * frame and answers undefined when the stream ends (or breaks: `broken` says so).
 */
export function sseReader(body: ReadableStream<Uint8Array> | null) {
  if (!body) throw new Error('the response has no body')
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let ended = false
  const state = { broken: false }

  async function next(): Promise<SseFrame | undefined> {
    for (;;) {
      const at = buffer.indexOf('\n\n')
      if (at >= 0) {
        const block = buffer.slice(0, at)
        buffer = buffer.slice(at + 2)
        const frame: SseFrame = {}
        for (const line of block.split('\n')) {
          const colon = line.indexOf(': ')
          if (colon > 0) frame[line.slice(0, colon) as keyof SseFrame] = line.slice(colon + 2)
        }
        return frame
      }
      if (ended) return undefined
      try {
        const { done, value } = await reader.read()
        if (done) ended = true
        else buffer += decoder.decode(value, { stream: true })
      } catch {
        ended = true
        state.broken = true
      }
    }
  }

  /** The next `n` frames that are not heartbeats (fewer when the stream ends first). */
  async function take(n: number): Promise<SseFrame[]> {
    const frames: SseFrame[] = []
    while (frames.length < n) {
      const frame = await next()
      if (!frame) break
      if (frame.event !== 'heartbeat' && frame.retry === undefined) frames.push(frame)
    }
    return frames
  }

  /** Every remaining frame that is not a heartbeat, until the stream ends. */
  async function rest(): Promise<SseFrame[]> {
    return take(Number.POSITIVE_INFINITY)
  }

  return {
    next,
    take,
    rest,
    state,
    cancel: () => reader.cancel().catch(() => undefined),
  }
}
