import { createServer, request } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * An HTTP proxy on 127.0.0.1 in front of a server, for clients that must survive a lost server:
 * `cut()` drops every open connection and refuses new ones (each is reset) until `restore()`;
 * `target` can be changed to follow a restarted server on another port; `holdAfter(n, path)`
 * leaves requests to paths starting `path` unanswered after the first n, so a client is stopped at a known point;
 * `rewind(n)` moves the `Last-Event-ID` of later requests n seqs back, so a resumed stream sends
 * again frames the client already has (as a stream resumed from a stale id would).
 */
export interface CutProxy {
  url: string
  target: string
  cut(): void
  restore(): void
  holdAfter(n: number, pathPrefix: string): void
  rewind(n: number): void
  /** Requests held unanswered so far. */
  held(): number
  close(): Promise<void>
}

export async function startCutProxy(target: string): Promise<CutProxy> {
  const sockets = new Set<Socket>()
  let down = false
  let hold: { n: number; prefix: string; seen: number } | undefined
  const held: ServerResponse[] = []
  let rewindBy = 0
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const headers = { ...req.headers }
    const last = Number(headers['last-event-id'])
    if (rewindBy > 0 && Number.isSafeInteger(last))
      headers['last-event-id'] = String(Math.max(0, last - rewindBy))
    const upstream = request(
      `${proxy.target}${req.url ?? '/'}`,
      { method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
        // An upstream that dies mid-answer must drop the client too, as a real connection would.
        answer.once('close', () => {
          if (!answer.complete) res.destroy()
        })
      },
    )
    upstream.on('error', () => res.destroy())
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  }
  const server = createServer((req, res) => {
    if (down) return req.socket.destroy()
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (hold && path.startsWith(hold.prefix) && ++hold.seen > hold.n) {
      held.push(res)
      return
    }
    forward(req, res)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    if (down) socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const proxy: CutProxy = {
    url: `http://127.0.0.1:${port}`,
    target,
    cut() {
      down = true
      for (const socket of sockets) socket.destroy()
    },
    restore() {
      down = false
    },
    holdAfter(n, prefix) {
      hold = { n, prefix, seen: 0 }
    },
    rewind(n) {
      rewindBy = n
    },
    held: () => held.length,
    async close() {
      for (const res of held) res.destroy()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return proxy
}
