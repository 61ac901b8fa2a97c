import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Recorded {
  method: string
  /** The request target as sent, still percent-encoded. */
  target: string
  /** The decoded path, which routes match on. */
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  /** The parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  body: any
}

export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>

/**
 * A local stand-in for the server side of the AgentLedger wire format (agentledger-wire.md §1.2 and
 * §1.4) on 127.0.0.1, for the endpoints AgentTrail does not serve yet. Each test sets the handler
 * for a `METHOD /path`; unknown routes answer 404. Every request is recorded.
 */
export async function startWireDouble() {
  const routes = new Map<string, Handler>()
  const requests: Recorded[] = []
  const open = new Set<ServerResponse>()
  const server = createServer(async (incoming, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const url = new URL(incoming.url ?? '/', 'http://double')
    let body: unknown = undefined
    if (text !== '')
      try {
        body = JSON.parse(text)
      } catch {
        body = text
      }
    const req: Recorded = {
      method: incoming.method ?? 'GET',
      target: incoming.url ?? '/',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: incoming.headers,
      body,
    }
    requests.push(req)
    open.add(res)
    res.on('close', () => open.delete(res))
    const handler = routes.get(`${req.method} ${req.path}`)
    if (!handler) return send(res, 404, { error: 'Not found' })
    await handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(route: string, handler: Handler) {
      routes.set(route, handler)
    },
    to: (route: string) => requests.filter((r) => `${r.method} ${r.path}` === route),
    async close() {
      for (const res of open) res.destroy()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}

export type WireDouble = Awaited<ReturnType<typeof startWireDouble>>

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/** Polls until `predicate` holds (real timers), for effects of background sends. */
export async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
