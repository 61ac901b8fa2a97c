// Span ingest over OTLP/HTTP (`node bench/run.js --only otlp`, and part of `npm run bench`):
// 1. throughput against the real server (`agenttrail serve`, a child process) on SQLite and on
//    PostgreSQL: spans/s of `POST /v1/traces` in OTLP/JSON and in protobuf, in batches of 512 spans
//    (the SDK's BatchSpanProcessor sends at most 512), beside events/s of the native batch endpoint
//    (1,000 events a request, as in "Ingest"), same run, alternating rounds;
// 2. where a span's time goes on the event loop, in-process: decoding, mapping, redaction and
//    validation, per span.
// Loopback only.
import { mkdtempSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'
import { CLI, ROOT, freshDatabase, serverEnv, start, stop } from './cli-server.js'
import { makeEvent, rng } from './workload.js'

const SECONDS = Number(process.env.BENCH_OTLP_SECONDS ?? 8)
const ROUNDS = Number(process.env.BENCH_OTLP_ROUNDS ?? 2)
const KEY = 'at_benchmark_key_0123456789abcdefghij'
const SPANS = 512
const TRACES = SPANS / 4
const NATIVE_EVENTS = 1_000
/** Trace ids of the template start with these 8 bytes; each request writes its number there. */
const MARK = 'ffffffffffffffff'

const dist = (p) => join(ROOT, p)
const kv = (attributes) =>
  Object.entries(attributes).map(([key, v]) => ({
    key,
    value: typeof v === 'number' ? { intValue: v } : { stringValue: v },
  }))
const parts = (role, text) => JSON.stringify([{ role, parts: [{ type: 'text', content: text }] }])

/**
 * One export of 512 spans as the GenAI conventions describe an agent: 128 traces, each an
 * `invoke_agent` span, two `chat` spans with their messages (about 600 bytes of content each) and
 * token counts, and an `execute_tool` span with arguments and result.
 */
export function exportRequest(rand, now) {
  const words = (n) =>
    Array.from({ length: n }, () => `w${Math.floor(rand() * 5000).toString(36)}`).join(' ')
  const spans = []
  for (let t = 0; t < TRACES; t++) {
    const traceId = `${MARK}${t.toString(16).padStart(16, '0')}`
    const root = randomBytes(8).toString('hex')
    const start = now - 60_000 + t * 10
    const span = (name, attributes, parent, offset) => ({
      traceId,
      spanId: parent === undefined ? root : randomBytes(8).toString('hex'),
      ...(parent !== undefined && { parentSpanId: parent }),
      name,
      kind: 1,
      startTimeUnixNano: `${start + offset}000000`,
      endTimeUnixNano: `${start + offset + 5}000000`,
      attributes: kv(attributes),
      status: { code: 0 },
    })
    const conversation = { 'gen_ai.conversation.id': `conv-${t}` }
    spans.push(
      span('invoke_agent planner', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': `agent-${t % 20}`,
        ...conversation,
      }),
    )
    for (const k of [1, 2])
      spans.push(
        span(
          'chat gpt-4o-mini',
          {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 400 + k,
            'gen_ai.usage.output_tokens': 60,
            'gen_ai.response.finish_reasons': 'stop',
            ...conversation,
            'gen_ai.input.messages': parts('user', words(60)),
            'gen_ai.output.messages': parts('assistant', words(40)),
          },
          root,
          k,
        ),
      )
    spans.push(
      span(
        'execute_tool search',
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'search',
          'gen_ai.tool.call.id': `call_${t}`,
          'gen_ai.tool.call.arguments': JSON.stringify({ q: words(4) }),
          'gen_ai.tool.call.result': JSON.stringify({ hits: words(20) }),
        },
        root,
        3,
      ),
    )
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: kv({ 'service.name': 'bench-agent' }) },
        scopeSpans: [{ scope: { name: 'bench' }, spans }],
      },
    ],
  }
}

/** The same request as protobuf (ids as base64, which the encoder takes for bytes). */
async function protobufOf(request) {
  const { OTLP_TYPES, encodeProtobuf } = await import(
    dist('packages/server/dist/http/surfaces/otlp/otlp-proto.js')
  )
  const b64 = (hex) => Buffer.from(hex, 'hex').toString('base64')
  const copy = JSON.parse(JSON.stringify(request))
  for (const rs of copy.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) {
        s.traceId = b64(s.traceId)
        s.spanId = b64(s.spanId)
        if (s.parentSpanId) s.parentSpanId = b64(s.parentSpanId)
      }
  return Buffer.from(encodeProtobuf(OTLP_TYPES.traceRequest, copy))
}

/**
 * A new body for every request: the template with the request's number written over the marked
 * 8 bytes of every trace id, so each request's spans are new spans (the same ids again would be
 * stored once, and measure nothing but the duplicate check).
 */
function bodies(template, type) {
  let n = 0
  if (type === 'json') {
    const text = template.toString('utf8')
    return () => Buffer.from(text.replaceAll(MARK, (++n).toString(16).padStart(16, '0')))
  }
  const marker = Buffer.from(MARK, 'hex')
  const offsets = []
  for (let at = template.indexOf(marker); at !== -1; at = template.indexOf(marker, at + 8))
    offsets.push(at)
  if (offsets.length !== TRACES * 4) throw new Error(`found ${offsets.length} marked trace ids`)
  return () => {
    const body = Buffer.from(template)
    const id = BigInt(++n)
    for (const at of offsets) body.writeBigUInt64BE(id, at)
    return body
  }
}

const cannon = (opts) =>
  new Promise((resolve, reject) =>
    autocannon({ duration: SECONDS, connections: 4, ...opts }, (err, r) =>
      err ? reject(err) : resolve(r),
    ),
  )

/** One load phase against a fresh server: items/s (2xx requests × items per request). */
async function phase(variant, store, pgBase, templates) {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-otlp-bench-'))
  const databaseUrl = pgBase
    ? await freshDatabase(pgBase, `agenttrail_otlp_${process.pid}_${Date.now()}`)
    : undefined
  const { proc, url } = await start([CLI, 'serve'], serverEnv(dir, databaseUrl, KEY))
  try {
    const auth = { authorization: `Bearer ${KEY}` }
    const next =
      variant === 'native'
        ? () => templates.native()
        : bodies(templates[variant], variant === 'json' ? 'json' : 'protobuf')
    const type = variant === 'protobuf' ? 'application/x-protobuf' : 'application/json'
    const path = variant === 'native' ? '/api/v1/events/batch' : '/v1/traces'
    // One request first, checked: a refused or partly rejected export would measure refusals.
    const probe = await fetch(url + path, {
      method: 'POST',
      headers: { ...auth, 'content-type': type },
      body: next(),
    })
    const text = await probe.text()
    if (
      !probe.ok ||
      (variant === 'json' && text !== '{}') ||
      (variant === 'protobuf' && text !== '')
    )
      throw new Error(`${variant} probe answered ${probe.status}: ${text.slice(0, 200)}`)
    const r = await cannon({
      url: url + path,
      method: 'POST',
      headers: { ...auth, 'content-type': type },
      requests: [{ setupRequest: (req) => ({ ...req, body: next() }) }],
    })
    if (r.non2xx > 0 || r.errors > 0)
      throw new Error(`${variant} on ${store}: ${r.non2xx} non-2xx, ${r.errors} errors`)
    const per = variant === 'native' ? NATIVE_EVENTS : SPANS
    const usage = await (await fetch(`${url}/api/v1/org/usage`, { headers: auth })).json()
    return {
      rate: (r.requests.total * per) / SECONDS,
      stored: usage.logs.used,
      sent: (r.requests.total + 1) * per,
    }
  } finally {
    await stop(proc)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** 2. Per span, in-process, on one thread: each stage over the whole template, 20 times. */
async function stages(request, protobuf) {
  const { readTraceRequest, eventFromSpan } = await import(dist('packages/protocol/dist/index.js'))
  const { OTLP_TYPES, decodeProtobuf } = await import(
    dist('packages/server/dist/http/surfaces/otlp/otlp-proto.js')
  )
  const { normalizeAll } = await import(dist('packages/server/dist/ingest/normalize-all.js'))
  const { parseOrgSettings } = await import(dist('packages/server/dist/orgs/org-settings.js'))
  const settings = parseOrgSettings(null)
  const json = JSON.stringify(request)
  const time = (fn) => {
    for (let i = 0; i < 3; i++) fn()
    const t0 = performance.now()
    for (let i = 0; i < 20; i++) fn()
    return ((performance.now() - t0) * 1000) / (20 * SPANS)
  }
  const decoded = decodeProtobuf(OTLP_TYPES.traceRequest, protobuf)
  const { spans } = readTraceRequest(decoded)
  const mapped = spans.map(eventFromSpan)
  return {
    jsonBytes: Buffer.byteLength(json) / SPANS,
    protobufBytes: protobuf.length / SPANS,
    parseJson: time(() => JSON.parse(json)),
    decodeProtobuf: time(() => decodeProtobuf(OTLP_TYPES.traceRequest, protobuf)),
    read: time(() => readTraceRequest(decoded)),
    map: time(() => spans.map(eventFromSpan)),
    normalize: time(() => normalizeAll(mapped, { ipAddress: null }, settings, Date.now(), false)),
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US')

/** Both parts; `{ markdown }` for docs/benchmarks.md. */
export async function runOtlpBench({ log }) {
  const loadBefore = loadavg()[0]
  const rand = rng(7)
  const now = Date.now()
  const request = exportRequest(rand, now)
  const protobuf = await protobufOf(request)
  const templates = {
    json: Buffer.from(JSON.stringify(request)),
    protobuf,
    native: () =>
      Buffer.from(
        JSON.stringify({
          events: Array.from({ length: NATIVE_EVENTS }, () => makeEvent(rand, now, 86_400_000)),
        }),
      ),
  }
  const variants = ['native', 'json', 'protobuf']
  const results = {}
  const postgres = await startEmbeddedPostgres()
  try {
    for (const [store, pgBase] of [
      ['SQLite', undefined],
      ['PostgreSQL', postgres.url],
    ]) {
      results[store] = Object.fromEntries(variants.map((v) => [v, []]))
      for (let round = 0; round < ROUNDS; round++)
        for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
          const r = await phase(variant, store, pgBase, templates)
          // At the end of a phase the load generator drops requests in flight that the server may
          // still commit: at least what was answered must be stored.
          if (r.stored < r.sent)
            throw new Error(`${variant} on ${store}: ${r.stored} stored of ${r.sent} sent`)
          results[store][variant].push(r.rate)
          log(`otlp ${store} ${variant} round ${round + 1}: ${fmt(r.rate)}/s (${r.stored} stored)`)
        }
    }
  } finally {
    await postgres.stop()
  }
  const s = await stages(request, protobuf)
  log(
    `per span: JSON parse ${s.parseJson.toFixed(1)} µs, protobuf decode ${s.decodeProtobuf.toFixed(1)} µs, read ${s.read.toFixed(1)} µs, map ${s.map.toFixed(1)} µs, redact+validate ${s.normalize.toFixed(1)} µs`,
  )
  const loadAfter = loadavg()[0]
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
  const cell = (xs) => `${fmt(mean(xs))} (${xs.map(fmt).join(', ')})`
  const row = (label, variant, unit) =>
    `| ${label} | ${cell(results.SQLite[variant])} ${unit} | ${cell(results.PostgreSQL[variant])} ${unit} |`
  const ratio = (store, v) => mean(results[store][v]) / mean(results[store].native)
  const markdown = `## OTLP span ingest

Measured by \`node bench/run.js --only otlp\` (\`bench/otlp-bench.js\`) on ${new Date().toISOString().slice(0, 10)}, on the machine above:
\`agenttrail serve\` (a child process, its own data folder or PostgreSQL database for each phase), 4 keep-alive
connections from autocannon for ${SECONDS} s a phase, ${ROUNDS} rounds, the phases of a round in alternating order.
Each OTLP request is one export of ${SPANS} spans (the SDK's \`BatchSpanProcessor\` sends at most 512): ${TRACES} agent runs of
an \`invoke_agent\` span, two \`chat\` spans with their messages (about 600 bytes each way) and token counts, and an
\`execute_tool\` span with its arguments and result, every request with new trace ids. The native batch is the "Ingest"
workload (1,000 events of about 1 KB a request). Every phase was checked: no answer other than 2xx, and the org's
usage at least what was answered.

| endpoint | SQLite | PostgreSQL |
| --- | --- | --- |
${row('`POST /v1/traces`, OTLP/JSON', 'json', 'spans/s')}
${row('`POST /v1/traces`, protobuf', 'protobuf', 'spans/s')}
${row('`POST /api/v1/events/batch` (native)', 'native', 'events/s')}

The machine's load average (1 minute) was ${loadBefore.toFixed(1)} when the run began and ${loadAfter.toFixed(1)} when it ended (2 cores):
other work slows every phase alike, so compare the rows of one run, not runs. Mean of the rounds, each round in
brackets. Spans per second against the native batch's events per second: JSON
${ratio('SQLite', 'json').toFixed(2)}, protobuf ${ratio('SQLite', 'protobuf').toFixed(2)} (SQLite); JSON ${ratio('PostgreSQL', 'json').toFixed(2)}, protobuf ${ratio('PostgreSQL', 'protobuf').toFixed(2)} (PostgreSQL).

**Where a span's time goes on the event loop** (in-process, one thread, the ${SPANS}-span export 20 times; a span is
${fmt(s.jsonBytes)} bytes of OTLP/JSON or ${fmt(s.protobufBytes)} of protobuf):

| stage | µs per span |
| --- | --- |
| \`JSON.parse\` of the request | ${s.parseJson.toFixed(1)} |
| protobuf decode to the same shape (protobufjs) | ${s.decodeProtobuf.toFixed(1)} |
| read the request (ids, times, attributes) | ${s.read.toFixed(1)} |
| map onto an event (conventions, messages, metadata) | ${s.map.toFixed(1)} |
| redact and validate (the pipeline's first stage, as for every event) | ${s.normalize.toFixed(1)} |

The writer's side (append, rollups, full-text index) is the native event's ("Where an event's time goes"): a mapped
span is an event like any other.
`
  return { markdown }
}
