import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { StoreError } from '../../packages/server/src/app-error.js'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import {
  decodePartialSuccess,
  decodeStatus,
  span,
  spanId,
  traceId,
  traceRequest,
} from '../helpers/otlp.js'

const JSON_TYPE = 'application/json'
const PROTOBUF = 'application/x-protobuf'

/** OTLP/HTTP's answers: success, partial success, and each refusal in OTLP's error body. */
describe.each(DIALECTS)('OTLP/HTTP answers (%s)', (dialect) => {
  let t: TestApp
  let orgs = 0
  beforeAll(async () => {
    t = await createTestApp({}, dialect)
  })
  afterAll(() => t.close())

  const newOrg = async () => {
    const orgId = `answers-${++orgs}`
    return { orgId, key: await t.key(orgId, ['admin']) }
  }
  /** Sends bytes as they are, with the headers given (no key unless one is passed). */
  const post = (body: Uint8Array | string, headers: Record<string, string>, key?: string) =>
    t.raw(
      new Request('http://localhost/v1/traces', {
        method: 'POST',
        headers: { ...headers, ...(key !== undefined && { authorization: `Bearer ${key}` }) },
        // A copy in an ArrayBuffer of its own: what BodyInit takes.
        body: typeof body === 'string' ? body : new Uint8Array(body).buffer,
      }),
    )
  const json = (value: unknown) => JSON.stringify(value)
  const stored = async (key: string) =>
    (await t.json('GET', '/api/v1/events?limit=100', { key })).body.events as Array<
      Record<string, any>
    >

  it('answers an empty request with success, in JSON and in protobuf', async () => {
    const { key } = await newOrg()
    for (const body of ['{}', json({ resourceSpans: [] }), '']) {
      const res = await post(body, { 'content-type': JSON_TYPE }, key)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({})
    }
    const proto = await post(new Uint8Array(), { 'content-type': PROTOBUF }, key)
    expect(proto.status).toBe(200)
    expect(proto.headers.get('content-type')).toBe(PROTOBUF)
    expect((await proto.arrayBuffer()).byteLength).toBe(0)
    expect(await stored(key)).toHaveLength(0)
  })

  it('takes the good spans of a request and rejects a span with a bad trace id as a partial success', async () => {
    const { key } = await newOrg()
    const good = spanId()
    const res = await post(
      json(traceRequest([span({ spanId: good }), span({ traceId: 'ab'.repeat(15) })])),
      { 'content-type': JSON_TYPE },
      key,
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage:
          '1 span rejected: resourceSpans.0.scopeSpans.0.spans.1: traceId must be 32 hex digits (16 bytes); it has 15 bytes (30 hex digits)',
      },
    })
    expect((await stored(key)).map((e) => e.span_id)).toEqual([good])
  })

  it('rejects a span the event rules refuse, naming the span and the field', async () => {
    const { key } = await newOrg()
    const [trace, id] = [traceId(), spanId()]
    const future = span({ traceId: trace, spanId: id, startMs: Date.now() + 3 * 86_400_000 })
    const res = await post(json(traceRequest([future, span()])), { 'content-type': JSON_TYPE }, key)
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: `1 span rejected: span ${trace}/${id}: ts: ts lies more than 24 hours in the future; check the client clock`,
      },
    })
    expect(await stored(key)).toHaveLength(1)
  })

  it('answers a partial success in protobuf to a protobuf request', async () => {
    const { key } = await newOrg()
    // A request whose only span has an 8-byte trace id: field 1 (ResourceSpans) > field 2
    // (ScopeSpans) > field 2 (Span) > field 1 (trace_id) and field 2 (span_id).
    const spanBytes = Buffer.from([0x0a, 8, ...Array(8).fill(1), 0x12, 8, ...Array(8).fill(2)])
    const scopeSpans = Buffer.concat([Buffer.from([0x12, spanBytes.length]), spanBytes])
    const resourceSpans = Buffer.concat([Buffer.from([0x12, scopeSpans.length]), scopeSpans])
    const request = Buffer.concat([Buffer.from([0x0a, resourceSpans.length]), resourceSpans])
    const res = await post(request, { 'content-type': PROTOBUF }, key)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(PROTOBUF)
    expect(decodePartialSuccess(new Uint8Array(await res.arrayBuffer()))).toEqual({
      rejected: 1,
      message:
        '1 span rejected: resourceSpans.0.scopeSpans.0.spans.0: traceId must be 32 hex digits (16 bytes); it has 8 bytes',
    })
  })

  it('refuses malformed JSON and a request of the wrong shape with 400 and a google.rpc.Status', async () => {
    const { key } = await newOrg()
    const bad = await post('{"resourceSpans": [', { 'content-type': JSON_TYPE }, key)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({
      code: 3,
      message: expect.stringMatching(/^the request body is not valid JSON/),
    })
    const shape = await post(
      json({ resourceSpans: [{ scopeSpans: 'none' }] }),
      { 'content-type': JSON_TYPE },
      key,
    )
    expect(shape.status).toBe(400)
    expect(await shape.json()).toEqual({
      code: 3,
      message: 'resourceSpans.0.scopeSpans must be an array',
    })
    expect(await stored(key)).toHaveLength(0)
  })

  it('refuses malformed protobuf with 400 and a protobuf google.rpc.Status', async () => {
    const { key } = await newOrg()
    // Field 1, length-delimited, 127 bytes announced, 2 sent.
    const res = await post(
      new Uint8Array([0x0a, 0x7f, 0x01, 0x02]),
      { 'content-type': PROTOBUF },
      key,
    )
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe(PROTOBUF)
    expect(decodeStatus(new Uint8Array(await res.arrayBuffer()))).toEqual({
      code: 3,
      message:
        "the request body is not a protobuf-encoded ExportTraceServiceRequest; check the exporter's protocol (http/protobuf) and that the body is sent whole",
    })
  })

  it('refuses another content type or content encoding with 415', async () => {
    const { key } = await newOrg()
    const body = json(traceRequest([span()]))
    const text = await post(body, { 'content-type': 'text/plain' }, key)
    expect(text.status).toBe(415)
    expect(await text.json()).toEqual({
      code: 3,
      message: 'Content-Type must be application/x-protobuf or application/json, not text/plain',
    })
    const brotli = await post(body, { 'content-type': JSON_TYPE, 'content-encoding': 'br' }, key)
    expect(brotli.status).toBe(415)
    expect((await brotli.json()).message).toBe('Content-Encoding must be gzip or none, not br')
    expect(await stored(key)).toHaveLength(0)
  })

  it('takes gzip, and refuses a body that is not gzip or that decompresses past the limit', async () => {
    const { key } = await newOrg()
    const gz = { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' }
    const ok = await post(gzipSync(json(traceRequest([span()]))), gz, key)
    expect(ok.status).toBe(200)
    expect(await stored(key)).toHaveLength(1)
    const notGzip = await post(json(traceRequest([span()])), gz, key)
    expect(notGzip.status).toBe(400)
    expect((await notGzip.json()).message).toMatch(/^the request body is not valid gzip/)
    // 17 MiB of spaces, 17 KiB compressed: refused once 16 MiB have come out.
    const bomb = await post(gzipSync(Buffer.alloc(17 * 1024 * 1024, ' ')), gz, key)
    expect(bomb.status).toBe(413)
    expect(await bomb.json()).toEqual({
      code: 3,
      message: 'the request body is larger than 16777216 bytes; split it into smaller requests',
    })
    expect(await stored(key)).toHaveLength(1)
  })

  it('refuses a body declared larger than the limit with 413 before reading it', async () => {
    const { key } = await newOrg()
    const res = await post(
      '{}',
      { 'content-type': JSON_TYPE, 'content-length': String(17 * 1024 * 1024) },
      key,
    )
    expect(res.status).toBe(413)
    expect((await res.json()).code).toBe(3)
  })

  it('refuses a missing or unknown key with 401, in the encoding of the request', async () => {
    const missing = await post(json(traceRequest([span()])), { 'content-type': JSON_TYPE })
    expect(missing.status).toBe(401)
    expect(await missing.json()).toEqual({
      code: 16,
      message: 'missing API key: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
    })
    const unknown = await post(
      new Uint8Array(),
      { 'content-type': PROTOBUF },
      'at_not_a_key_0123456789abcdef',
    )
    expect(unknown.status).toBe(401)
    expect(decodeStatus(new Uint8Array(await unknown.arrayBuffer()))).toEqual({
      code: 16,
      message: 'the API key is not valid or has been revoked',
    })
  })

  it('takes the key in X-API-Key too', async () => {
    const { key } = await newOrg()
    const res = await post(json(traceRequest([span()])), {
      'content-type': JSON_TYPE,
      'x-api-key': key,
    })
    expect(res.status).toBe(200)
    expect(await stored(key)).toHaveLength(1)
  })

  it('answers 503 with Retry-After when the store fails, so the exporter retries', async () => {
    const { key } = await newOrg()
    const append = vi
      .spyOn(t.store.events, 'append')
      .mockRejectedValue(new StoreError('events.append', new Error('connection reset')))
    try {
      const res = await post(json(traceRequest([span()])), { 'content-type': JSON_TYPE }, key)
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('5')
      expect(await res.json()).toEqual({
        code: 14,
        message: 'the store could not take the data just now; retry after 5 s',
      })
    } finally {
      append.mockRestore()
    }
    expect(await stored(key)).toHaveLength(0)
  })

  it("stores a request of more spans than a native batch in batches, and one past the month's limit in part", async () => {
    const { orgId, key } = await newOrg()
    const many = Array.from({ length: 1_500 }, () => span())
    const res = await post(json(traceRequest(many)), { 'content-type': JSON_TYPE }, key)
    expect(await res.json()).toEqual({})
    expect(await t.store.events.count(orgId, {})).toBe(1_500)

    await t.setPlan({ name: 'small', requests_per_minute: null, logs_per_month: 2_700 }, orgId)
    const more = Array.from({ length: 1_500 }, () => span())
    const partial = await post(json(traceRequest(more)), { 'content-type': JSON_TYPE }, key)
    expect(partial.status).toBe(200)
    expect(await partial.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '500',
        errorMessage: expect.stringMatching(
          /^500 spans rejected: 500 not stored: Monthly log limit would be exceeded \(2500\/2700 used, 500 more sent\)/,
        ),
      },
    })
  })

  it('declares both routes in the OpenAPI document, with both encodings and every answer', async () => {
    const doc = (await t.json('GET', '/api/openapi.json')).body
    for (const [path, request, response] of [
      ['/v1/traces', 'ExportTraceServiceRequest', 'ExportTraceServiceResponse'],
      ['/v1/logs', 'ExportLogsServiceRequest', 'ExportLogsServiceResponse'],
    ]) {
      const op = doc.paths[path as string].post
      expect(op['x-required-scope']).toBe('ingest')
      const binary = {
        type: 'string',
        format: 'binary',
        description: 'Protocol Buffers, binary encoding',
      }
      expect(op.requestBody.content).toEqual({
        [PROTOBUF]: { schema: binary },
        [JSON_TYPE]: { schema: { $ref: `#/components/schemas/${request}` } },
      })
      expect(op.responses[200].content).toEqual({
        [PROTOBUF]: { schema: binary },
        [JSON_TYPE]: { schema: { $ref: `#/components/schemas/${response}` } },
      })
      for (const status of [400, 401, 403, 404, 413, 415, 422, 429, 500, 503])
        expect(op.responses[status].content[JSON_TYPE].schema).toEqual({
          $ref: '#/components/schemas/OtlpStatus',
        })
    }
  })
})
