import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { createTrailMcpServer } from './trail-mcp-server.js'
import type { TrailMcpServerOptions } from './trail-mcp-server.js'

/**
 * Serves the tools over stdio (newline-delimited JSON-RPC on stdin/stdout) until stdin closes.
 * Nothing else may be written to stdout; write logs to stderr. Resolves when the client hangs up,
 * once every request read before then has been answered and the answers are written out.
 */
export async function runStdioServer(options: TrailMcpServerOptions): Promise<void> {
  const server = await createTrailMcpServer(options)
  const transport = new StdioServerTransport()
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve()
  })
  await server.connect(transport)
  const inFlight = countRequests(transport)
  // The transport does not notice a closed stdin by itself. A client may write its requests and
  // close stdin at once (`printf ... | agenttrail mcp`): their answers are still owed.
  process.stdin.once('end', () => {
    void inFlight
      .settled()
      .then(() => new Promise<void>((resolve) => process.stdout.write('', () => resolve())))
      .then(() => server.close())
  })
  await closed
}

/**
 * Counts the requests read and not yet answered. Hooks the transport after `connect`, which set
 * its `onmessage`; stdin's data events come later, from the event loop.
 */
function countRequests(transport: StdioServerTransport): { settled(): Promise<void> } {
  let pending = 0
  let idle: (() => void) | undefined
  const deliver = transport.onmessage
  transport.onmessage = (message: JSONRPCMessage) => {
    if ('method' in message && 'id' in message) pending++
    deliver?.(message)
  }
  const send = transport.send.bind(transport)
  transport.send = async (message: JSONRPCMessage) => {
    try {
      await send(message)
    } finally {
      if (!('method' in message) && 'id' in message && --pending <= 0) idle?.()
    }
  }
  return {
    settled: () =>
      pending <= 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve)),
  }
}
