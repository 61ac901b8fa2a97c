import { createServer } from 'node:http'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One scripted answer: JSON, or server-sent events written one frame at a time. */
export interface MockReply {
  status?: number
  headers?: Record<string, string>
  json?: unknown
  /** SSE frames: `event:` (when given) and one `data:` line of JSON each (`raw`: that text as is, e.g. OpenAI's `[DONE]`). */
  sse?: Array<{ event?: string; data?: unknown; raw?: string }>
  /** What ends a frame: `\n\n` (Anthropic) or `\r\n\r\n` (Google). Default `\n\n`. */
  separator?: string
  /** Close the connection after this many frames, without ending the stream properly. */
  cutAfter?: number
}

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: any
}

export interface MockProvider {
  url: string
  requests: RecordedRequest[]
  /** Queues the answer to the next request; requests with nothing queued get a 500. */
  reply(reply: MockReply): void
  close(): Promise<void>
}

/** A provider API double on 127.0.0.1 port 0, for driving the providers' real client libraries. */
export async function startMockProvider(): Promise<MockProvider> {
  const requests: RecordedRequest[] = []
  const queue: MockReply[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      })
      const reply = queue.shift() ?? { status: 500, json: { error: 'nothing scripted' } }
      if (reply.sse) return void writeSse(res, reply)
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
      res.end(JSON.stringify(reply.json))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (reply) => void queue.push(reply),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function writeSse(res: ServerResponse, reply: MockReply): Promise<void> {
  res.writeHead(reply.status ?? 200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...reply.headers,
  })
  const separator = reply.separator ?? '\n\n'
  for (const [i, frame] of (reply.sse ?? []).entries()) {
    if (reply.cutAfter !== undefined && i >= reply.cutAfter) return void res.destroy()
    const event = frame.event === undefined ? '' : `event: ${frame.event}\n`
    res.write(`${event}data: ${frame.raw ?? JSON.stringify(frame.data)}${separator}`)
    // Separate writes, so the client parses frames as they arrive, as from the real API.
    await new Promise((resolve) => setImmediate(resolve))
  }
  res.end()
}
