import type { Context, Hono } from 'hono'
import { z } from 'zod'
import type * as Mcp from '@agenttrail/mcp'
import { AppError } from '../../app-error.js'
import type { Config } from '../../config.js'
import type { AppEnv } from '../app-env.js'
import { presentedKey } from '../middleware/auth.js'
import { rawBody } from '../route-spec.js'
import type { Router } from '../router.js'

// Loaded on the first request, not at server start: the MCP SDK takes most of a second to load.
let mcpModule: Promise<typeof Mcp> | undefined
const loadMcp = () => (mcpModule ??= import('@agenttrail/mcp'))

const JsonRpcMessage = z
  .object({
    jsonrpc: z.literal('2.0'),
    method: z.string().optional(),
    id: z.union([z.string(), z.number()]).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('A JSON-RPC 2.0 message of the Model Context Protocol')

/**
 * `POST /mcp`: the MCP server (packages/mcp) over stateless Streamable HTTP, for MCP clients that
 * connect by URL. Its tools read and act on the trail through this server's own API, in process,
 * with the caller's key, so every scope, limit and record applies to them as to any other client.
 */
export function mcpRoutes(router: Router, hono: Hono<AppEnv>, config: Config): void {
  router.add(
    {
      method: 'post',
      path: '/mcp',
      tag: 'mcp',
      summary: 'The MCP server (Streamable HTTP, stateless)',
      description:
        'Model Context Protocol over Streamable HTTP without sessions: each POST carries one JSON-RPC message (or a batch) and is answered with JSON; notifications get 202. Send `Accept: application/json, text/event-stream` and the key as `Authorization: Bearer <key>`. The tools offered follow the key’s scopes (docs/mcp.md). A browser page may call it only from an allowed origin (this server’s `AGENTTRAIL_PUBLIC_URL`, loopback, `AGENTTRAIL_MCP_ALLOWED_ORIGINS`), whose CORS preflight (`OPTIONS /mcp`) gets 204 and whose answers carry `Access-Control-Allow-Origin`; GET and DELETE answer 405, as there is no session or server-sent stream.',
      scope: ['ingest', 'read', 'control', 'approve', 'admin'],
      body: rawBody(z.union([JsonRpcMessage, z.array(JsonRpcMessage)])),
      bodyBytes: 1024 * 1024,
      responses: {
        200: { description: 'The JSON-RPC response (a tool’s result, or a JSON-RPC error)' },
        202: { description: 'A notification or a response was accepted' },
        406: { description: 'The client does not accept application/json and text/event-stream' },
        400: { description: 'Not JSON-RPC, or an empty batch (a JSON-RPC error, code -32600)' },
        415: { description: 'The body is not application/json' },
      },
    },
    async (c, { key, body }) => {
      const origin = allowOrigin(c, config)
      const secret = presentedKey((name) => c.req.header(name))
      if (secret === undefined)
        throw new AppError(
          'unauthorized',
          'the MCP endpoint takes an API key as "Authorization: Bearer <key>"; a dashboard session does not reach it',
        )
      // An empty batch is not a JSON-RPC request (JSON-RPC 2.0, "Batch"); the transport would 202 it.
      if (Array.isArray(body) && body.length === 0)
        return c.json(
          {
            jsonrpc: '2.0',
            id: null,
            error: { code: -32600, message: 'Invalid Request: an empty batch' },
          },
          400,
        )
      const { createTrailMcpServer, handleMcpHttp } = await loadMcp()
      const baseUrl = new URL(c.req.url).origin
      const env = c.env
      const requestId = c.get('requestId')
      // The tools' requests go through this same app, without a socket: the caller's key, scopes
      // and rate limit apply to each of them, and they carry this request's id into the log.
      const fetch = async (url: string, init?: RequestInit) => {
        const request = new Request(url, init)
        request.headers.set('x-request-id', requestId)
        return hono.fetch(request, env)
      }
      const answer = await handleMcpHttp(
        c.req.raw,
        () => createTrailMcpServer({ apiKey: secret, baseUrl, fetch, scopes: [...key.scopes] }),
        body,
      )
      // A page of an allowed origin may read the answer (CORS); others were refused above.
      if (origin !== undefined) corsHeaders(answer.headers, origin)
      return answer
    },
  )

  // The CORS preflight of a page sending `Authorization` (no key: browsers send none with it).
  // Allowed origins get 204 with what they may send; others get the same 403 as their POST would.
  hono.options('/mcp', (c) => {
    const origin = allowOrigin(c, config)
    if (origin === undefined)
      throw new AppError('forbidden', 'a CORS preflight of /mcp needs an Origin header')
    const headers = new Headers({
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
    })
    corsHeaders(headers, origin)
    return new Response(null, { status: 204, headers })
  })
}

/** What a page may send to /mcp: the MCP transport's headers and the key's two forms. */
const ALLOWED_HEADERS =
  'authorization, content-type, accept, mcp-protocol-version, x-api-key, last-event-id'

/** Lets an allowed page read the answer and the headers a client uses. */
function corsHeaders(headers: Headers, origin: string): void {
  headers.set('Access-Control-Allow-Origin', origin)
  headers.append('Vary', 'Origin')
  headers.set('Access-Control-Expose-Headers', 'mcp-protocol-version, x-request-id')
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Refuses a browser page of another site (MCP's transport rules: servers must check `Origin`
 * against DNS rebinding). The request's own `Host` is not trusted for this, since a rebound name
 * makes any page "same origin"; loopback pages, the public URL and the configured list are.
 * Returns the origin when one was sent and is allowed.
 */
function allowOrigin(c: Context<AppEnv>, config: Config): string | undefined {
  const origin = c.req.header('origin')
  if (origin === undefined) return undefined
  let host: string
  try {
    host = new URL(origin).hostname
  } catch {
    throw new AppError('forbidden', 'the Origin header is not an origin')
  }
  if (LOOPBACK.has(host)) return origin
  if (config.publicUrl && new URL(config.publicUrl).origin === origin) return origin
  if (config.mcpAllowedOrigins.includes(origin)) return origin
  throw new AppError(
    'forbidden',
    `pages from ${origin} may not call /mcp; list the origin in AGENTTRAIL_MCP_ALLOWED_ORIGINS to allow it`,
  )
}
