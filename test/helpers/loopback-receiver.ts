import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request a receiver got. */
export interface Received {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/** The answer to give: a status, headers and a body. */
export interface Answer {
  status: number
  headers?: Record<string, string>
  body?: string
}

export interface LoopbackReceiver {
  /** `http://127.0.0.1:<port>`. */
  url: string
  received: Received[]
  close(): Promise<void>
}

/**
 * An HTTP server on 127.0.0.1, port 0, standing in for a chat or paging service: each request is
 * recorded and answered by `answer` (which sees it, so it can check the payload as the service
 * would and answer 400 when it is wrong).
 */
export async function startReceiver(
  answer: (r: Received) => Answer | Promise<Answer>,
): Promise<LoopbackReceiver> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', async () => {
      const r: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      }
      received.push(r)
      const a = await answer(r)
      res.writeHead(a.status, a.headers ?? {})
      res.end(a.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
