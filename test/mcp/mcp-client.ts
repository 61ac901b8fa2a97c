import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { createTrailMcpServer } from '@agenttrail/mcp'
import type { TrailMcpServerOptions } from '@agenttrail/mcp'
import type { FetchLike } from 'agenttrail'
import type { TestApp } from '../helpers/test-app.js'
import type { Call } from './mcp-seed.js'

/** A fetch that hands the request to the app in this process (no socket), as `/mcp` will. */
export function appFetch(app: TestApp): FetchLike {
  return async (url, init) =>
    app.raw(new Request(url, { method: init.method, headers: init.headers, body: init.body }))
}

/** `Call` over the app, for seeding. */
export function appCall(app: TestApp): Call {
  return async (method, path, key, body) => {
    const res = await app.json(method, path, { key, body })
    return { status: res.status, body: res.body }
  }
}

/** The official client connected in memory to a server made for `key`. */
export async function connectInProcess(
  app: TestApp,
  key: string,
  options: Partial<TrailMcpServerOptions> = {},
): Promise<Client> {
  const server = await createTrailMcpServer({
    apiKey: key,
    baseUrl: 'http://agenttrail.test',
    fetch: appFetch(app),
    ...options,
  })
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const client = new Client({ name: 'agenttrail-test', version: '1.0.0' })
  await client.connect(clientSide)
  return client
}

/** A tool's result: its structured content, its text, and whether it is an error. */
export interface ToolResult {
  structured: any
  text: string
  isError: boolean
}

/** Calls a tool with the official client (which checks `structuredContent` against the output schema). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolResult> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n')
  return { structured: result.structuredContent, text, isError: result.isError === true }
}

/** The names `tools/list` answers, sorted. */
export async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name).sort()
}
