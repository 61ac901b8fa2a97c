import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'

/**
 * Answers one Streamable HTTP request with a server made for it (stateless: no session, no GET
 * stream, nothing kept between requests), so any server process can take any request and the
 * endpoint works under the 2025-11-25 revision and the sessionless one after it. Responses are
 * JSON, not an SSE stream: every tool answers in one piece. The server and transport are closed once
 * the answer is ready.
 */
export async function handleMcpHttp(
  request: Request,
  createServer: () => Promise<McpServer>,
  /** The body, when the caller has read and parsed it already. */
  parsedBody?: unknown,
): Promise<Response> {
  const server = await createServer()
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    // The server's own body limit for JSON requests.
    maxRequestBodySize: 1024 * 1024,
  })
  await server.connect(transport)
  try {
    return await transport.handleRequest(request, { parsedBody })
  } finally {
    // The JSON answer is complete when handleRequest resolves: nothing more is written.
    await transport.close()
    await server.close()
  }
}
