import type { Context } from 'hono'
import { z } from 'zod'
import { parseTimeBound, zodIssues } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { Scope } from '../store/store.js'

/**
 * A route declared as data: the same zod schemas validate the request and describe it in the
 * OpenAPI document (`openapi.ts`), so the document cannot drift from the code.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete'
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
  params?: z.ZodObject
  query?: z.ZodObject
  body?: z.ZodType
  responses: Record<number, { description: string; schema?: z.ZodType; contentTypes?: string[] }>
}

/** Parses a query string object against a route's query schema; 400 naming the parameter otherwise. */
export function parseQuery<T extends z.ZodObject>(schema: T, c: Context): z.infer<T> {
  const result = schema.safeParse(c.req.query())
  if (!result.success) {
    const issues = zodIssues(result.error)
    const first = issues[0]
    throw new AppError(
      'invalid_query',
      first ? `${first.path}: ${first.message}` : 'invalid query',
      issues,
    )
  }
  return result.data
}

/** Parses an already-decoded JSON body against a schema; 400 naming every field otherwise. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body)
  if (!result.success) {
    const issues = zodIssues(result.error)
    const first = issues[0]
    throw new AppError(
      'validation_failed',
      first ? `${first.path || 'body'}: ${first.message}` : 'invalid body',
      issues,
    )
  }
  return result.data
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
