import type { Context } from 'hono'
import { z } from 'zod'
import { parseTimeBound, zodIssues } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { IngestContext } from '../ingest/ingest-types.js'
import type { ApiKeyRecord, Scope } from '../store/store.js'

/**
 * A body the handler parses itself: a product's own field-error shape, or the ingest pipeline,
 * which redacts before it validates. The router still reads it (JSON, `bodyBytes`) and the schema
 * still describes it in the OpenAPI document.
 */
export interface RawBody<T extends z.ZodType = z.ZodType> {
  raw: T
}

/** Declares a body the handler parses itself; see {@link RawBody}. */
export function rawBody<T extends z.ZodType>(schema: T): RawBody<T> {
  return { raw: schema }
}

export function isRawBody(body: z.ZodType | RawBody | BytesBody): body is RawBody {
  return 'raw' in body
}

/**
 * A body read as bytes for the handler to decode (a binary encoding beside JSON, such as OTLP's
 * protobuf): the request's `Content-Type` must be one of `contentTypes` (415 otherwise, before
 * anything is read), a `Content-Encoding: gzip` body is decompressed (`bodyBytes` applies to the
 * bytes sent and to the bytes they decompress to), and the handler gets the bytes and the media
 * type. `schema` describes the JSON form in the OpenAPI document.
 */
export interface BytesBody<T extends z.ZodType = z.ZodType> {
  bytes: T
  contentTypes: readonly string[]
}

/** Declares a body read as bytes; see {@link BytesBody}. */
export function bytesBody<T extends z.ZodType>(
  schema: T,
  contentTypes: readonly string[],
): BytesBody<T> {
  return { bytes: schema, contentTypes }
}

export function isBytesBody(body: z.ZodType | RawBody | BytesBody): body is BytesBody {
  return 'bytes' in body && 'contentTypes' in body
}

/** What a handler of a `bytesBody` route gets: the decompressed bytes and their media type. */
export interface BodyBytes {
  bytes: Buffer
  /** The request's media type, lower case, without parameters (`application/json`). */
  type: string
}

/**
 * A route declared as data: the router (`router.ts`) applies its `params`, `query` and `body`
 * schemas before the handler runs, and the same schemas describe it in the OpenAPI document
 * (`openapi.ts`), so the document cannot drift from the code. Tests check every response against
 * `responses` (`test/helpers/test-app.ts`).
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options'
  /** OpenAPI style: `/api/v1/events/{id}`. */
  path: string
  summary: string
  description?: string
  tag: string
  /**
   * The API dialect, which decides the shape of error bodies: the name of the surface module that
   * mounts the route (checked when it is mounted, `mountSurfaces`). Default `native`.
   */
  surface?: string
  /** Needed scope (with a list, any one of them); routes without one are public. */
  scope?: Scope | readonly Scope[]
  /** Path parameters; a failure is a 400 `validation_failed` naming the parameter. */
  params?: z.ZodObject
  /** Query parameters; a failure is a 400 `invalid_query` naming the parameter. */
  query?: z.ZodObject
  /** The JSON body; a failure is a 400 `validation_failed` naming every field. */
  body?: z.ZodType | RawBody | BytesBody
  /** The largest body read, in bytes: 413 beyond it. Default 64 KiB. */
  bodyBytes?: number
  /** Honours an `Idempotency-Key` header (the ingest routes): its form is checked, see `input.ingest`. */
  idempotent?: boolean
  responses: Record<
    number,
    { description: string; schema?: z.ZodType; contentTypes?: readonly string[] }
  >
}

/** Default `bodyBytes`: 64 KiB. */
export const DEFAULT_BODY_BYTES = 64 * 1024

type Output<T, Absent> = T extends z.ZodType ? z.output<T> : Absent

/** What the router hands a route's handler, typed from its spec. */
export interface RouteInput<S extends RouteSpec> {
  params: Output<S['params'], Record<string, never>>
  query: Output<S['query'], Record<string, never>>
  /** The parsed body; with `rawBody(...)` the decoded JSON, unchecked; with `bytesBody(...)` the bytes. */
  body: S['body'] extends BytesBody
    ? BodyBytes
    : S['body'] extends RawBody
      ? unknown
      : Output<S['body'], undefined>
  /** The request body exactly as received (empty without a declared body). */
  text: string
  /** The key that authenticated the request (routes with a scope). */
  key: S['scope'] extends Scope | readonly Scope[] ? ApiKeyRecord : undefined
  /** The request as the ingest pipeline takes it (routes declared `idempotent`). */
  ingest: S['idempotent'] extends true ? IngestContext : undefined
}

/**
 * Parses one part of a request against its schema; otherwise a 400 with `code` whose message names
 * the first field (`what` when the issue has no path) and whose details list every issue.
 */
function parsePart<T extends z.ZodType>(
  schema: T,
  value: unknown,
  code: 'validation_failed' | 'invalid_query',
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = zodIssues(result.error)
  const first = issues[0]
  throw new AppError(
    code,
    first ? `${first.path || what}: ${first.message}` : `invalid ${what}`,
    issues,
  )
}

/** Parses a query string object against a route's query schema; 400 naming the parameter otherwise. */
export function parseQuery<T extends z.ZodObject>(schema: T, c: Context): z.infer<T> {
  return parsePart(schema, c.req.query(), 'invalid_query', 'query')
}

/** Path parameters against the route's schema; 400 naming the parameter otherwise. */
export function parseParams<T extends z.ZodObject>(
  schema: T,
  params: Record<string, string>,
): z.infer<T> {
  return parsePart(schema, params, 'validation_failed', 'path')
}

/** Parses a body against a schema; 400 naming every bad field otherwise. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  return parsePart(schema, body, 'validation_failed', 'body')
}

/**
 * A query parameter holding a time: ISO 8601 (a date alone means its UTC midnight) or epoch ms, read
 * strictly (calendar-time.ts): 2026-02-30 or epoch ms past the year 9999 are a 400, not a 500.
 */
export const timeParam = z
  .string()
  .transform((text, ctx) => {
    const ms = parseTimeBound(text, { epochMs: true })
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be an ISO 8601 date or date-time (such as 2026-11-22T10:00:00Z) or epoch milliseconds, of a real day within the years 0000 to 9999',
      })
      return z.NEVER
    }
    return ms
  })
  .meta({ type: 'string', description: 'ISO 8601 date or date-time, or Unix epoch milliseconds.' })
