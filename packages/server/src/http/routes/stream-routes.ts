import { z } from 'zod'
import type { Context } from 'hono'
import { AppError } from '../../app-error.js'
import { hasScope, hashKey } from '../../auth/api-keys.js'
import type { StreamHub } from '../../notify/stream-hub.js'
import type { StreamEventType } from '../../notify/stream-frames.js'
import { DEFAULT_STREAM_TYPES, STREAM_EVENT_TYPES } from '../../notify/stream-frames.js'
import type { ApiKeyRecord, Store } from '../../store/store.js'
import type { AppEnv } from '../app-env.js'
import { presentedKey } from '../middleware/auth.js'
import { cookieSession, sessionCookie } from '../session-cookie.js'
import type { Router } from '../router.js'
import { ErrorBodySchema } from '../openapi.js'
import { streamTokenRoute } from './stream-token-route.js'

const LISTED = [...STREAM_EVENT_TYPES, 'heartbeat'] as const

const StreamQuery = z.object({
  key: z
    .string()
    .optional()
    .describe(
      'An API key with the `read` scope, for clients that cannot send headers. It can end up in proxy and browser logs: prefer `token`.',
    ),
  token: z
    .string()
    .optional()
    .describe('A stream token from `POST /api/v1/stream/token` (5 minutes).'),
  events: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return [...DEFAULT_STREAM_TYPES]
      const names = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      const unknown = names.filter((n) => !(LISTED as readonly string[]).includes(n))
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `must list only ${LISTED.join(', ')}` })
        return z.NEVER
      }
      return names.filter((n): n is StreamEventType => n !== 'heartbeat')
    })
    .describe(
      'Comma list of `action.new`, `alert.new`, `event.new` (heartbeats always come). Default `action.new,alert.new`.',
    ),
  agent: z.string().min(1).optional().describe("Only this agent's actions and alerts."),
  environment: z
    .string()
    .min(1)
    .optional()
    .describe('Only actions and alerts of this environment.'),
  last_event_id: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a seq: a whole number')
    .optional()
    .describe('Resume after this seq, as the `Last-Event-ID` header does (the header wins).'),
})

/**
 * `GET /api/v1/stream`: the org's live events as Server-Sent Events, AgentLedger's `action.new`,
 * `alert.new` and `heartbeat`, plus the native `event.new`. Each frame's `id` is the event's seq, so
 * a client that reconnects with `Last-Event-ID` gets exactly what it missed, read from the store.
 */
export function streamRoutes(router: Router, store: Store, hub: StreamHub): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/stream',
      tag: 'events',
      summary: 'Live stream of actions and alerts (Server-Sent Events), resumable by Last-Event-ID',
      description: [
        'Authenticates with `Authorization: Bearer <key>`, else `?key=` (which proxies may log),',
        'else `?token=` from `POST /api/v1/stream/token`, else the dashboard session cookie; the key',
        'needs the `read` scope. Frames are',
        '`id: <seq>`, `event: <type>`, `data: <one-line JSON>`: `action.new` (an AgentLedger',
        'ActionLog row), `alert.new` (an Alert row), `event.new` (the native event, on request) and',
        '`heartbeat` (`{ts}`, no id). A `Last-Event-ID` header (or `last_event_id`) replays every',
        'matching event after that seq before the live ones; without it the stream starts now. A',
        'client that reads too slowly is disconnected and resumes from its last id. A key may hold',
        'a limited number of streams per server (429 `too_many_streams`).',
      ].join(' '),
      query: StreamQuery,
      responses: {
        200: {
          description: 'The stream',
          schema: z.string(),
          contentTypes: ['text/event-stream'],
        },
        401: {
          description: 'Missing, invalid or expired key, token or session',
          schema: ErrorBodySchema,
        },
        403: { description: 'The key lacks the read scope', schema: ErrorBodySchema },
        429: {
          description: 'The key holds its maximum of streams; see Retry-After',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { query }) => {
      const key = await streamKey(c, store, query)
      c.set('apiKey', key)
      const header = c.req.header('last-event-id')?.trim()
      if (header !== undefined && header !== '' && !/^\d{1,15}$/.test(header))
        throw new AppError('invalid_query', 'Last-Event-ID: must be a seq: a whole number')
      const last = header || query.last_event_id
      const socket = c.env?.incoming?.socket
      const stream = await hub.open({
        orgId: key.org_id,
        keyId: key.id,
        afterSeq: last === undefined ? undefined : Number(last),
        filter: {
          types: new Set(query.events),
          ...(query.agent !== undefined && { agent: query.agent }),
          ...(query.environment !== undefined && { environment: query.environment }),
        },
        ...(socket && { abort: () => socket.destroy() }),
      })
      if (stream === 'too_many') {
        c.header('Retry-After', '5')
        throw new AppError(
          'too_many_streams',
          'this key holds as many live streams as it may; close one or retry later',
        ).with({ retryAfter: 5 })
      }
      return new Response(stream, {
        headers: {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-cache, no-transform',
          Connection: 'keep-alive',
          'X-Accel-Buffering': 'no',
        },
      })
    },
  )
  streamTokenRoute(router, store)
}

/**
 * The key of a stream request: the Bearer header, else `?key=`, else a stream token, else the
 * dashboard's session cookie (a GET, so no Origin is needed).
 */
async function streamKey(
  c: Context<AppEnv>,
  store: Store,
  query: { key?: string | undefined; token?: string | undefined },
): Promise<ApiKeyRecord> {
  const secret = presentedKey((name) => c.req.header(name)) ?? query.key
  let key: ApiKeyRecord | undefined
  if (secret) key = await store.keys.findByHash(hashKey(secret))
  else if (query.token) key = await store.keys.findStreamToken(hashKey(query.token), Date.now())
  else if (sessionCookie(c) !== undefined) key = (await cookieSession(c, store.keys))?.key
  else
    throw new AppError(
      'unauthorized',
      'missing API key: send "Authorization: Bearer <key>", or ?token= from POST /api/v1/stream/token',
    )
  if (!key) throw new AppError('unauthorized', 'the API key, stream token or session is not valid')
  if (!hasScope(key, 'read'))
    throw new AppError('forbidden', 'this key lacks the "read" scope that this endpoint needs')
  return key
}
