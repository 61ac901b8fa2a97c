import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { createTrailMcpServer } from './trail-mcp-server.js'
import type { TrailMcpServerOptions } from './trail-mcp-server.js'

/**
 * Serves the tools over stdio (newline-delimited JSON-RPC on stdin/stdout) until stdin closes.
 * Nothing else may be written to stdout; write logs to stderr. Resolves when the client hangs up.
 */
export async function runStdioServer(options: TrailMcpServerOptions): Promise<void> {
  const server = await createTrailMcpServer(options)
  const transport = new StdioServerTransport()
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve()
    // The transport does not notice a closed stdin by itself.
    process.stdin.once('end', () => void server.close())
  })
  await server.connect(transport)
  await closed
}
