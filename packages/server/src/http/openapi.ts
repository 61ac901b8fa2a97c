import { z } from 'zod'
import { ERROR_CODES } from '@agenttrail/protocol'
import { isBytesBody, isRawBody } from './route-spec.js'
import type { RouteSpec } from './route-spec.js'

export const ErrorBodySchema = z
  .object({
    error: z.string().describe('What went wrong, for a person.'),
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES]),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' })

type JsonSchema = Record<string, unknown>

type Responses = RouteSpec['responses']

/**
 * Every response a route can answer: those it declares, and those the router and the auth step
 * answer for it in its surface's error shape (`errorSchema`): 400 for a bad parameter or body,
 * 413 for a body over `bodyBytes`, 401, 403 and 429 when it needs a key. The OpenAPI document
 * lists these, and the tests check every response against them.
 */
export function declaredResponses(
  spec: RouteSpec,
  errorSchema: z.ZodType,
  errorTypes?: readonly string[],
): Responses {
  const implied: Responses = {}
  const error = (description: string) => ({
    description,
    schema: errorSchema,
    ...(errorTypes && { contentTypes: errorTypes }),
  })
  if (spec.params || spec.query || spec.body)
    implied[400] = error('A bad parameter or body field, named')
  if (spec.body) implied[413] = error('The body is larger than the route takes')
  if (spec.body && isBytesBody(spec.body))
    implied[415] = error(`The body is not ${spec.body.contentTypes.join(' or ')}, or not gzip`)
  if (spec.scope) {
    implied[401] = error('Missing or invalid API key')
    implied[403] = error(`The key lacks the ${[spec.scope].flat().join(' or ')} scope`)
    implied[429] = error('Rate limited; see Retry-After')
  }
  // The ingest pipeline's gates, on every ingest route.
  if (spec.idempotent) {
    implied[403] = error(
      `The key lacks the ${[spec.scope].flat().join(' or ')} scope, or the plan's monthly limit is reached`,
    )
    implied[404] = error('The org requires registered agents, and this one is not registered')
    implied[422] = error('The Idempotency-Key was used with another request body')
  }
  // Any route: a failure the server did not expect (the store down, a bug). The body carries the
  // request id; the cause goes to the log, never to the client.
  implied[500] = error('An internal error; the body names the request id to look up in the log')
  const responses: Responses = { ...implied, ...spec.responses }
  // A status the route answers itself and the router or a gate answers too takes either body.
  for (const [status, own] of Object.entries(spec.responses)) {
    const other = implied[Number(status)]
    if (own.schema && other?.schema && other.schema !== own.schema)
      responses[Number(status)] = {
        ...own,
        description: `${own.description}; or: ${other.description}`,
        schema: z.union([own.schema, other.schema]),
      }
  }
  return responses
}

/**
 * The OpenAPI 3.1 document, generated from the route specs' zod schemas (with their responses as
 * `declaredResponses` completes them). Schemas with a meta `id` become shared components.
 */
export function buildOpenApi(specs: readonly RouteSpec[], info: { version: string }): JsonSchema {
  const components: Record<string, JsonSchema> = {}
  const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      target: 'draft-2020-12',
      override: (ctx) => {
        const meta = z.globalRegistry.get(ctx.zodSchema)
        if (meta?.type === 'string') (ctx.jsonSchema as JsonSchema).type = 'string'
      },
    }) as JsonSchema
    delete json.$schema
    // Named schemas (meta `id`) come back under $defs; hoist them into components.
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>
    delete json.$defs
    for (const [id, def] of Object.entries(defs)) components[id] ??= rewriteRefs(def) as JsonSchema
    return rewriteRefs(json) as JsonSchema
  }

  const paths: Record<string, Record<string, JsonSchema>> = {}
  for (const spec of specs) {
    const parameters: JsonSchema[] = []
    for (const [where, shape] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      if (!shape) continue
      for (const [name, field] of Object.entries(shape.shape)) {
        const schema = convert(field as z.ZodType, 'input')
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
          ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
          schema,
        })
      }
    }
    const responses: Record<string, JsonSchema> = {}
    for (const [status, response] of Object.entries(spec.responses)) {
      const content: Record<string, JsonSchema> = {}
      const schema = response.schema
      if (schema)
        for (const type of response.contentTypes ?? ['application/json'])
          content[type] = { schema: mediaSchema(type, () => convert(schema, 'output')) }
      responses[status] = {
        description: response.description,
        ...(response.schema ? { content } : {}),
      }
    }
    ;(paths[spec.path] ??= {})[spec.method] = {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.tag],
      ...(spec.scope
        ? { security: [{ bearer: [] }, { apiKeyHeader: [] }], 'x-required-scope': spec.scope }
        : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body ? { requestBody: requestBody(spec.body, convert) } : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'AgentTrail API',
      version: info.version,
      description:
        'The audit trail and control plane for AI agents. Errors are `{ error, code, details? }`.',
    },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  }
}

/** A binary media type is described as bytes; the others by the schema. */
function mediaSchema(type: string, schema: () => JsonSchema): JsonSchema {
  return type === 'application/x-protobuf'
    ? { type: 'string', format: 'binary', description: 'Protocol Buffers, binary encoding' }
    : schema()
}

function requestBody(
  body: NonNullable<RouteSpec['body']>,
  convert: (schema: z.ZodType, io: 'input' | 'output') => JsonSchema,
): JsonSchema {
  const schema = isBytesBody(body) ? body.bytes : isRawBody(body) ? body.raw : body
  const types = isBytesBody(body) ? body.contentTypes : ['application/json']
  const content: Record<string, JsonSchema> = {}
  for (const type of types)
    content[type] = { schema: mediaSchema(type, () => convert(schema, 'input')) }
  return { required: true, content }
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value))
    out[key] =
      key === '$ref' && typeof item === 'string'
        ? item.replace('#/$defs/', '#/components/schemas/')
        : rewriteRefs(item)
  return out
}
