// TEMPORARY (integration branch mcp-http): replaced by the real tool set from branch mcp at merge.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { TrailReader } from 'agenttrail'
import type { FetchLike } from 'agenttrail'
import { z } from 'zod'

export { handleMcpHttp } from './http-handler.js'

export async function createTrailMcpServer(options: {
  apiKey: string
  baseUrl: string
  fetch?: FetchLike
  readOnly?: boolean
  scopes?: string[]
}): Promise<McpServer> {
  const reader = new TrailReader(options)
  const server = new McpServer({ name: 'agenttrail', version: '0.1.0' })
  server.registerTool(
    'get_log',
    { description: 'one event', inputSchema: { id: z.string() } },
    async ({ id }) => {
      try {
        const e = await reader.event(id)
        return { content: [{ type: 'text', text: JSON.stringify(e) }] }
      } catch (error) {
        return {
          isError: true,
          content: [{ type: 'text', text: String((error as Error).message) }],
        }
      }
    },
  )
  return server
}
