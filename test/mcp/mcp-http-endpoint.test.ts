import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../helpers/test-app.js'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { spawnServer } from '../helpers/process.js'
import type { ServerProcess } from '../helpers/process.js'

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
}

/** The `/mcp` endpoint on the real server, reached by the official SDK's Streamable HTTP client. */
describe.each(DIALECTS)('the /mcp endpoint (%s)', (dialect) => {
  let live: LiveServer
  let reader: string
  let ingestOnly: string
  let eventId: string
  beforeAll(async () => {
    live = await startLiveServer(dialect, {
      AGENTTRAIL_MCP_ALLOWED_ORIGINS: 'https://console.example.com',
      AGENTTRAIL_PUBLIC_URL: 'https://trail.example.com',
    })
    reader = await live.key('org-mcp-http', ['read'])
    ingestOnly = await live.key('org-mcp-http', ['ingest'])
    const res = await fetch(`${live.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestOnly}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'mailer', action: 'send', status: 'error', title: 'bounced' }),
    })
    eventId = ((await res.json()) as { id: string }).id
  })
  afterAll(() => live.close())

  const connect = async (key: string, headers: Record<string, string> = {}) => {
    const client = new Client({ name: 'endpoint-test', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(new URL(`${live.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}`, ...headers } },
    })
    await client.connect(transport)
    return client
  }
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${live.url}/mcp`, {
      method: 'POST',
      headers: {
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        authorization: `Bearer ${reader}`,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  it('serves the tools to a client with a key, and each call reads the trail with that key', async () => {
    const client = await connect(reader)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name)).toContain('get_log')
      const result = await client.callTool({ name: 'get_log', arguments: { id: eventId } })
      expect(result.isError).toBeFalsy()
      expect(result.structuredContent).toMatchObject({
        log: { id: eventId, agent: 'mailer', action: 'send', status: 'error' },
      })
      const event = await client.callTool({ name: 'get_event', arguments: { id: eventId } })
      expect(JSON.stringify(event.structuredContent)).toContain('bounced')
    } finally {
      await client.close()
    }
  })

  it('serves a key the operator chose, with none of the known prefixes', async () => {
    const chosen = await live.key('org-mcp-http', ['read'], undefined, 'operator-chosen-key-0001')
    const client = await connect(chosen)
    try {
      const result = await client.callTool({ name: 'get_log', arguments: { id: eventId } })
      expect(result.isError).toBeFalsy()
      expect(result.structuredContent).toMatchObject({ log: { id: eventId } })
    } finally {
      await client.close()
    }
  })

  it('offers the tools of the scopes of the key that authenticated the request, and no others', async () => {
    const client = await connect(ingestOnly)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name)).toEqual(['ingest_log'])
      const result = await client.callTool({ name: 'get_log', arguments: { id: eventId } })
      expect(result.isError).toBe(true)
      expect(JSON.stringify(result.content)).toContain('get_log not found')
    } finally {
      await client.close()
    }
  })

  it('refuses a request without a key, or with an unknown one, before any MCP is spoken', async () => {
    const none = await post(INIT, { authorization: '' })
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ code: 'unauthorized' })
    const wrong = await post(INIT, {
      authorization: 'Bearer at_notakeynotakeynotakeynotakeynotakey0000',
    })
    expect(wrong.status).toBe(401)
  })

  it('refuses a page of another site, and takes loopback pages, the allowed list and clients that send no Origin', async () => {
    const foreign = await post(INIT, { origin: 'http://rebound.example:7878' })
    expect(foreign.status).toBe(403)
    const body = (await foreign.json()) as { code: string; error: string }
    expect(body.code).toBe('forbidden')
    expect(body.error).toContain('AGENTTRAIL_MCP_ALLOWED_ORIGINS')
    for (const origin of ['http://localhost:6274', 'https://console.example.com', undefined]) {
      const res = await post(INIT, origin ? { origin } : {})
      expect(res.status, origin).toBe(200)
      const answer = (await res.json()) as { result: { serverInfo: { name: string } } }
      expect(answer.result.serverInfo.name).toBe('agenttrail')
    }
  })

  it('answers an empty batch with a JSON-RPC Invalid Request error', async () => {
    const res = await post([])
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: expect.stringContaining('Invalid Request') },
    })
  })

  it('answers a CORS preflight from an allowed, loopback or public-URL page, and refuses others', async () => {
    const preflight = (origin: string) =>
      fetch(`${live.url}/mcp`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, mcp-protocol-version',
        },
      })
    for (const origin of [
      'https://console.example.com',
      'http://localhost:6274',
      'https://trail.example.com',
    ]) {
      const res = await preflight(origin)
      expect(res.status, origin).toBe(204)
      expect(res.headers.get('access-control-allow-origin'), origin).toBe(origin)
      expect(res.headers.get('vary')).toContain('Origin')
      expect(res.headers.get('access-control-allow-methods')).toBe('POST')
      const allowed = res.headers.get('access-control-allow-headers')!.split(/,\s*/)
      for (const h of ['authorization', 'content-type', 'accept', 'mcp-protocol-version'])
        expect(allowed).toContain(h)
      expect(allowed).toEqual(expect.arrayContaining(['x-api-key', 'last-event-id']))
      expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0)
    }
    for (const origin of ['http://rebound.example:7878', 'null']) {
      const res = await preflight(origin)
      expect(res.status, origin).toBe(403)
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull()
    }
    // The POST that follows: the page may read the answer.
    const res = await post(INIT, { origin: 'https://console.example.com' })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://console.example.com')
    expect(res.headers.get('vary')).toContain('Origin')
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id')
    const noOrigin = await post(INIT)
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull()
    const refused = await post(INIT, { origin: 'null' })
    expect(refused.status).toBe(403)
  })

  it('answers GET and DELETE with 405: there is no session and no server-sent stream', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${live.url}/mcp`, {
        method,
        headers: { authorization: `Bearer ${reader}`, accept: 'text/event-stream' },
      })
      expect(res.status, method).toBe(405)
    }
  })

  it('answers bad requests with clear errors', async () => {
    const notJson = await post('{"jsonrpc":')
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ code: 'invalid_json' })
    const notRpc = await post({ hello: 'world' })
    expect(notRpc.status).toBe(400)
    const noAccept = await post(INIT, { accept: 'application/json' })
    expect(noAccept.status).toBe(406)
    const tooBig = await post({ ...INIT, params: { ...INIT.params, pad: 'x'.repeat(1_100_000) } })
    expect(tooBig.status).toBe(413)
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${live.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    expect(Object.keys(doc.paths['/mcp'] ?? {})).toEqual(['post'])
  })
})

/** `/mcp` on the built server process, started with a key the operator chose, its log at info. */
// Each test runs the CLI as processes, one after another: on a loaded machine each takes seconds.
describe('the /mcp endpoint of `agenttrail serve`', { timeout: 120_000 }, () => {
  const KEY = 'operator-chosen-init-key-0004'
  let dataDir: string
  let server: ServerProcess
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agenttrail-mcp-serve-'))
    server = await spawnServer(dataDir, {
      AGENTTRAIL_INIT_API_KEY: KEY,
      AGENTTRAIL_LOG_LEVEL: 'info',
    })
  })
  afterAll(async () => {
    server.proc.kill('SIGTERM')
    await server.exited
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('serves the init key, and its tools’ inner requests log under the outer request’s id', async () => {
    const requestId = 'mcp-outer-request-0001'
    const call = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/mcp`, {
        method: 'POST',
        headers: {
          accept: 'application/json, text/event-stream',
          'content-type': 'application/json',
          authorization: `Bearer ${KEY}`,
          ...headers,
        },
        body: JSON.stringify(body),
      })
    const res = await call(
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'get_stats', arguments: {} },
      },
      { 'x-request-id': requestId },
    )
    expect(res.status).toBe(200)
    const answer = (await res.json()) as { result: { isError?: boolean } }
    expect(answer.result.isError).toBeFalsy()
    // The outer line and the inner GET /api/v1/stats line, each with the same id.
    await expect
      .poll(() => {
        const both = server.stdout() + server.stderr()
        return both.split('\n').filter((l) => l.includes(requestId)).length
      })
      .toBeGreaterThanOrEqual(2)
    const lines = (server.stdout() + server.stderr())
      .split('\n')
      .filter((l) => l.includes(requestId))
    expect(lines.some((l) => l.includes('/api/v1/stats'))).toBe(true)
  })
})
