/** One server-sent event. */
export interface SseFrame {
  /** `event:` field; empty when absent. */
  event: string
  /** `data:` lines, joined with `\n`. */
  data: string
  /** `id:` field; empty when absent. */
  id: string
}

/**
 * Splits a text/event-stream into frames the way agentledger 0.5.0 does (agentledger-wire.md §1.4):
 * a frame ends at a blank line, the trailing partial frame waits for more text, and `event`,
 * `data` and `id` lines are read. It is lenient where the SSE spec (WHATWG HTML §9.2.6) is:
 * CRLF and CR line ends, no space after the colon, comment lines, and several `data:` lines joined
 * with `\n` instead of keeping the last. Every frame an AgentLedger server sends parses the same.
 */
export class SseParser {
  private buffer = ''
  private carry = ''

  /** Feeds decoded text; returns the frames it completed. */
  push(chunk: string): SseFrame[] {
    let text = this.carry + chunk
    this.carry = ''
    // A CR at the end of a chunk may be the first half of a CRLF split across chunks.
    if (text.endsWith('\r')) {
      this.carry = '\r'
      text = text.slice(0, -1)
    }
    this.buffer += text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text
    const parts = this.buffer.split('\n\n')
    this.buffer = parts.pop() ?? ''
    const frames: SseFrame[] = []
    for (const part of parts) {
      const frame = parseFrame(part)
      if (frame) frames.push(frame)
    }
    return frames
  }
}

function parseFrame(part: string): SseFrame | undefined {
  let seen = false
  let event = ''
  let id = ''
  const data: string[] = []
  for (const line of part.split('\n')) {
    if (line === '' || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
    else if (field === 'id') id = value
    else continue
    seen = true
  }
  // A frame of comments or unknown fields only (a keep-alive) is no event.
  return seen ? { event, data: data.join('\n'), id } : undefined
}
