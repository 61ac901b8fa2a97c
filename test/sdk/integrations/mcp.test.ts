import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { AgentTrail } from 'agenttrail'
import { wrapMCPServer, wrapMCPTool } from 'agenttrail/integrations/mcp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { startLiveServer } from '../../helpers/live-server.js'
import type { LiveServer } from '../../helpers/live-server.js'

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

/** A real McpServer and a real MCP Client over the SDK's in-memory transport, recording into a real AgentTrail server. */
describe('the MCP integration', () => {
  let live: LiveServer
  let key: string
  beforeAll(async () => {
    live = await startLiveServer('sqlite')
    key = await live.key('org-mcp', ['ingest', 'read'])
  })
  afterAll(() => live.close())

  const trail = (errors: Error[] = []) =>
    new AgentTrail({
      apiKey: key,
      baseUrl: live.url,
      flushOnExit: false,
      onError: (e) => errors.push(e),
    })
  const events = async (agent: string): Promise<any[]> => {
    const res = await fetch(`${live.url}/api/v1/events?limit=100&agent=${agent}`, {
      headers: { authorization: `Bearer ${key}` },
    })
    return ((await res.json()) as { events: any[] }).events.reverse()
  }
  const connect = async (server: McpServer) => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    const client = new Client({ name: 'test-client', version: '1.0.0' })
    await Promise.all([client.connect(clientSide), server.connect(serverSide)])
    return client
  }

  it('records the calls of tools registered with registerTool() and tool(), before and after wrapping, called through the official Client', async () => {
    const client = trail()
    const server = new McpServer({ name: 'tools', version: '1.0.0' })
    server.tool('send_email', { to: z.string(), body: z.string() }, async ({ to }) =>
      text(`sent to ${to}`),
    )
    // registerTool() before the wrap, with an output schema: the client checks the structured result.
    server.registerTool(
      'order_status',
      {
        description: 'The status of an order',
        inputSchema: { order: z.string() },
        outputSchema: { order: z.string(), status: z.string() },
      },
      async ({ order }) => ({
        ...text(`${order} shipped`),
        structuredContent: { order, status: 'shipped' },
      }),
    )
    wrapMCPServer(client, server, {
      agent: 'mcp-server',
      serviceMap: {
        send_email: { service: 'sendgrid' },
        search: { service: 'tavily', action: 'search' },
      },
    })
    server.registerTool(
      'search',
      { description: 'Web search', inputSchema: { query: z.string() } },
      async ({ query }) => text(`results for ${query}`),
    )
    server.tool('ping', async () => text('pong'))
    const mcp = await connect(server)
    // Registered while a client is connected, too.
    server.registerTool(
      'add',
      { inputSchema: { a: z.number(), b: z.number() } },
      async ({ a, b }) => text(String(a + b)),
    )

    expect(
      await mcp.callTool({ name: 'send_email', arguments: { to: 'ada@acme.com', body: 'hi' } }),
    ).toEqual(text('sent to ada@acme.com'))
    expect(await mcp.callTool({ name: 'search', arguments: { query: 'mcp' } })).toEqual(
      text('results for mcp'),
    )
    expect(await mcp.callTool({ name: 'ping' })).toEqual(text('pong'))
    expect(await mcp.callTool({ name: 'add', arguments: { a: 2, b: 3 } })).toEqual(text('5'))
    expect(await mcp.callTool({ name: 'order_status', arguments: { order: 'A-7' } })).toEqual({
      ...text('A-7 shipped'),
      structuredContent: { order: 'A-7', status: 'shipped' },
    })
    await client.flush()

    const stored = await events('mcp-server')
    expect(stored.map((e) => [e.kind, e.service, e.action, e.status])).toEqual([
      ['tool_call', 'sendgrid', 'invoke', 'success'],
      ['tool_call', 'tavily', 'search', 'success'],
      ['tool_call', 'ping', 'invoke', 'success'],
      ['tool_call', 'add', 'invoke', 'success'],
      ['tool_call', 'order_status', 'invoke', 'success'],
    ])
    const [send, search, ping, add, order] = stored
    expect(send).toMatchObject({
      input: { to: 'ada@acme.com', body: 'hi' },
      output: text('sent to ada@acme.com'),
    })
    expect(send.metadata).toMatchObject({ source: 'mcp', toolName: 'send_email' })
    expect(typeof send.metadata.requestId).toBe('number')
    expect(search).toMatchObject({ input: { query: 'mcp' }, metadata: { toolName: 'search' } })
    // A tool without an input schema gets no arguments: nothing to record, and nothing crashes.
    expect(ping).toMatchObject({
      input: null,
      output: text('pong'),
      metadata: { toolName: 'ping' },
    })
    expect(add).toMatchObject({ input: { a: 2, b: 3 }, output: text('5') })
    expect(order).toMatchObject({
      input: { order: 'A-7' },
      output: { structuredContent: { order: 'A-7', status: 'shipped' } },
      metadata: { source: 'mcp', toolName: 'order_status' },
    })
    expect(stored.every((e) => e.duration_ms >= 0)).toBe(true)
    await mcp.close()
  })

  it('records a tool that throws or answers isError as an error, and the MCP client gets what it always got', async () => {
    const client = trail()
    const server = new McpServer({ name: 'failing', version: '1.0.0' })
    server.tool('charge', { amount: z.number() }, async (): Promise<never> => {
      throw new Error('card declined')
    })
    server.tool('lookup', { id: z.string() }, async ({ id }) => ({
      ...text(`no record ${id}`),
      isError: true,
    }))
    wrapMCPServer(client, server, { agent: 'mcp-failing', check: false })
    const mcp = await connect(server)

    expect(await mcp.callTool({ name: 'charge', arguments: { amount: 5 } })).toEqual({
      ...text('card declined'),
      isError: true,
    })
    expect(await mcp.callTool({ name: 'lookup', arguments: { id: 'x1' } })).toEqual({
      ...text('no record x1'),
      isError: true,
    })
    await client.flush()
    const [charge, lookup] = await events('mcp-failing')
    expect(charge).toMatchObject({
      service: 'charge',
      status: 'error',
      input: { amount: 5 },
      error: { name: 'Error', message: 'card declined' },
    })
    expect(charge.output).toMatchObject({ error: 'card declined' })
    expect(lookup).toMatchObject({
      service: 'lookup',
      status: 'error',
      error: { message: 'no record x1' },
      output: { isError: true },
    })
    await mcp.close()
  })

  it('follows a tool whose handler or name is changed with update(), and records each call once when wrapped twice', async () => {
    const errors: Error[] = []
    const client = trail(errors)
    const server = new McpServer({ name: 'updates', version: '1.0.0' })
    const echo = server.tool('echo', { say: z.string() }, async ({ say }) => text(say))
    wrapMCPServer(client, server, { agent: 'mcp-updates', check: false })
    wrapMCPServer(client, server, { agent: 'mcp-updates', check: false })
    const mcp = await connect(server)
    expect(await mcp.callTool({ name: 'echo', arguments: { say: 'one' } })).toEqual(text('one'))
    echo.update({ callback: async ({ say }) => text(say.toUpperCase()) })
    expect(await mcp.callTool({ name: 'echo', arguments: { say: 'two' } })).toEqual(text('TWO'))
    echo.update({ name: 'shout' })
    expect(await mcp.callTool({ name: 'shout', arguments: { say: 'three' } })).toEqual(
      text('THREE'),
    )
    await client.flush()
    const stored = await events('mcp-updates')
    expect(stored.map((e) => [e.service, e.metadata.toolName, e.output.content[0].text])).toEqual([
      ['echo', 'echo', 'one'],
      ['echo', 'echo', 'TWO'],
      ['shout', 'shout', 'THREE'],
    ])
    expect(errors).toEqual([])
    await mcp.close()
  })

  it('wrapMCPTool records one handler and passes the arguments and the request context through', async () => {
    const client = trail()
    const server = new McpServer({ name: 'single', version: '1.0.0' })
    const seen: unknown[] = []
    server.tool(
      'send_email',
      { to: z.string() },
      wrapMCPTool(
        client,
        { agent: 'mcp-single', service: 'sendgrid', action: 'send_email' },
        async (args, extra) => {
          seen.push(extra.requestId)
          return text(`sent to ${args.to}`)
        },
      ),
    )
    server.tool(
      'status',
      wrapMCPTool(
        client,
        { agent: 'mcp-single', service: 'internal', action: 'status' },
        async () => text('ok'),
      ),
    )
    const mcp = await connect(server)
    expect(await mcp.callTool({ name: 'send_email', arguments: { to: 'bob@acme.com' } })).toEqual(
      text('sent to bob@acme.com'),
    )
    expect(await mcp.callTool({ name: 'status' })).toEqual(text('ok'))
    await client.flush()
    const [send, status] = await events('mcp-single')
    expect(seen).toEqual([send.metadata.requestId])
    expect(send).toMatchObject({
      kind: 'tool_call',
      service: 'sendgrid',
      action: 'send_email',
      input: { to: 'bob@acme.com' },
      metadata: { source: 'mcp' },
    })
    expect(status).toMatchObject({
      service: 'internal',
      action: 'status',
      input: null,
      output: text('ok'),
    })
    await mcp.close()
  })
})
