import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

/**
 * A base URL on 127.0.0.1 where no server listens: the port was bound and released at once, so a
 * connection is refused. Stands for "the server is down" to clients that must fail open or closed.
 */
export async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
