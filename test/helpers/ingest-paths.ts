import { z } from 'zod'
import type { Surface } from '@agenttrail/server'
import { span, traceRequest } from './otlp.js'

/** A secret in a field the redactor knows by name. */
export const FIELD_SECRET = 'hunter2-field-value'
/** A key in free text, found by its pattern. */
export const KEY_IN_TEXT = 'sk-proj-Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1'

/** The checks of the surface contract (`surface-contract.ts`); a row may skip one by name, saying why. */
export type ContractCheck =
  | 'redaction'
  | 'idempotency'
  | 'requests per minute'
  | 'monthly limit'
  | 'unregistered agent'
  | 'control note'
  | 'error body'
  | 'commit before answer'

/** A refusal as the product answers it: the HTTP status (its body has the row's error shape). */
export interface Refusal {
  status: number
}

/**
 * One ingest path of one surface: every path that appends events through the ingest pipeline.
 * (Checks, `/api/v1/check` and `/sdk/check`, decide about an action and record the decision in the
 * control store's transaction; `test/http/control.test.ts` and `agentwarden.test.ts` cover them.)
 */
export interface IngestPath {
  name: string
  /** The surface that serves the path (`SURFACES` in `http/surfaces.ts`, or `native`). */
  surface: Surface
  path: string
  /** One request for one event of `agent`, with `FIELD_SECRET` in a field and `KEY_IN_TEXT` in text. */
  body(agent: string): unknown
  /** The status of an accepted request. */
  accepted: number
  /** What a replay of an `Idempotency-Key` answers, when not the first answer word for word. */
  replayOf?: (first: any) => unknown
  /** A body this surface refuses as invalid. */
  invalid: unknown
  /** The product's error body (every refusal of this path has it). */
  errorBody: z.ZodType
  /** How the validation error of `invalid` is answered. */
  invalidAnswer: Refusal
  /** The same `Idempotency-Key` with another body. */
  keyReused: Refusal
  /** The plan's requests per minute used up. Always with `Retry-After`. */
  rateLimited: Refusal
  /** The plan's monthly events used up. */
  monthlyLimit: Refusal
  /** An agent the org has not registered, where the org requires registration. */
  unregistered: Refusal
  /**
   * The answer to an event of a killed agent, which is recorded all the same, and how it names the
   * rule broken (default: the rule as a JSON string, `"agent_killed"`).
   */
  violation: { status: number; names?: (rule: string) => string }
  skip?: Partial<Record<ContractCheck, string>>
}

/** `{ error, code, details? }` (docs/api.md). */
const NativeError = z.strictObject({
  error: z.string(),
  code: z.string(),
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})

/** AgentLedger reads `error`; the native `code` rides along (agentledger-wire.md). */
const AgentLedgerError = z.looseObject({ error: z.string(), code: z.string() })

/** AgentWarden: always `{"detail": ...}`, a string or per-field message lists (shared/reference/002). */
const AgentWardenError = z.strictObject({
  detail: z.union([z.string(), z.record(z.string(), z.unknown())]),
})

/** OTLP/HTTP: a `google.rpc.Status` in its JSON form (the request's encoding). */
const OtlpStatus = z.strictObject({ code: z.number().int(), message: z.string() })

/** Wiro: `{ result: false, errors: [{ code, message }] }` (shared/reference/003). */
const WiroError = z.strictObject({
  result: z.literal(false),
  errors: z.array(z.strictObject({ code: z.number(), message: z.string() })).min(1),
})

const action = (agent: string) => ({
  agent,
  service: 's',
  action: 'x',
  metadata: { password: FIELD_SECRET },
  input: `key ${KEY_IN_TEXT}`,
})
const nativeEvent = (agent: string) => ({
  agent,
  input: { password: FIELD_SECRET },
  output: `key ${KEY_IN_TEXT}`,
})

/** The native API's refusals: the code table's statuses (packages/protocol/src/error-codes.ts). */
const NATIVE_REFUSALS = {
  errorBody: NativeError,
  invalidAnswer: { status: 400 },
  keyReused: { status: 422 },
  rateLimited: { status: 429 },
  monthlyLimit: { status: 403 },
  unregistered: { status: 404 },
}

export const INGEST_PATHS: readonly IngestPath[] = [
  {
    name: 'native event',
    surface: 'native',
    path: '/api/v1/events',
    body: nativeEvent,
    accepted: 201,
    invalid: { agent: 'a', tokens_input: -1 },
    ...NATIVE_REFUSALS,
    violation: { status: 201 },
  },
  {
    name: 'native batch',
    surface: 'native',
    path: '/api/v1/events/batch',
    body: (agent) => ({ events: [nativeEvent(agent)] }),
    accepted: 201,
    // docs/api.md: "a replay answers `duplicate: true` per event".
    replayOf: (first) => ({
      ...first,
      accepted: first.accepted.map((a: object) => ({ ...a, duplicate: true })),
    }),
    invalid: { events: 'none' },
    ...NATIVE_REFUSALS,
    violation: { status: 201 },
  },
  {
    name: 'AgentLedger action',
    surface: 'agentledger',
    path: '/api/v1/actions',
    body: action,
    accepted: 200,
    invalid: { agent: 'a' },
    errorBody: AgentLedgerError,
    invalidAnswer: { status: 400 },
    keyReused: { status: 422 },
    rateLimited: { status: 429 },
    // AgentLedger answers its monthly action limit with 429 and the usage (agentledger-errors.ts).
    monthlyLimit: { status: 429 },
    unregistered: { status: 404 },
    // AgentLedger's blocked body, with `logged: true` (docs/control.md).
    violation: { status: 403 },
  },
  {
    name: 'AgentLedger batch',
    surface: 'agentledger',
    path: '/api/v1/actions/batch',
    body: (agent) => ({ actions: [action(agent)] }),
    accepted: 200,
    invalid: { actions: [] },
    errorBody: AgentLedgerError,
    invalidAnswer: { status: 400 },
    keyReused: { status: 422 },
    rateLimited: { status: 429 },
    monthlyLimit: { status: 429 },
    unregistered: { status: 404 },
    violation: { status: 200 },
  },
  {
    name: 'Logwick log',
    surface: 'logwick',
    path: '/api/v1/logs',
    body: (agent) => ({
      agent,
      action: 'x',
      metadata: { password: FIELD_SECRET },
      input: `key ${KEY_IN_TEXT}`,
    }),
    accepted: 201,
    invalid: { input: 'no agent, no action' },
    // Logwick documents no limits of its own: the native answers.
    ...NATIVE_REFUSALS,
    violation: { status: 201 },
  },
  {
    name: 'AgentWarden SDK log',
    surface: 'agentwarden',
    path: '/sdk/log',
    body: (agent) => ({
      agent_id: agent,
      action: 'x',
      status: 'success',
      context: { password: FIELD_SECRET, note: `key ${KEY_IN_TEXT}` },
    }),
    accepted: 200,
    invalid: { agent_id: 'a' },
    errorBody: AgentWardenError,
    invalidAnswer: { status: 400 },
    keyReused: { status: 422 },
    rateLimited: { status: 429 },
    // "Exceeding Limits": 403 `plan_limit_exceeded`.
    monthlyLimit: { status: 403 },
    unregistered: { status: 404 },
    violation: { status: 200 },
  },
  {
    name: 'Wiro ingest',
    surface: 'wiro',
    path: '/v1/UserAgent/LogsIngest',
    body: (agent) => ({
      agent,
      events: [
        {
          kind: 'tool_completed',
          tool: 'exec',
          title: `key ${KEY_IN_TEXT}`,
          summary: { password: FIELD_SECRET },
        },
      ],
    }),
    accepted: 200,
    invalid: { agent: 'a', events: [] },
    errorBody: WiroError,
    // Wiro answers its errors with HTTP 200 and `result: false`, except authentication (401) and a
    // rate limit (429) (wiro-errors.ts).
    invalidAnswer: { status: 200 },
    keyReused: { status: 200 },
    rateLimited: { status: 429 },
    monthlyLimit: { status: 200 },
    unregistered: { status: 200 },
    violation: { status: 200 },
  },
  {
    name: 'OTLP traces',
    surface: 'otlp',
    path: '/v1/traces',
    // One span of a fresh trace each time, from the agent's service: an unmapped attribute named
    // like a secret (kept under metadata.attributes) and OpenInference's input.value.
    body: (agent) =>
      traceRequest(
        [span({ attributes: { password: FIELD_SECRET, 'input.value': `key ${KEY_IN_TEXT}` } })],
        { 'service.name': agent },
      ),
    accepted: 200,
    invalid: { resourceSpans: 'none' },
    errorBody: OtlpStatus,
    invalidAnswer: { status: 400 },
    keyReused: { status: 422 },
    rateLimited: { status: 429 },
    monthlyLimit: { status: 403 },
    unregistered: { status: 404 },
    // A partial success with nothing rejected and a warning naming the rule (OTLP allows it).
    violation: { status: 200, names: (rule) => `${rule}: 1` },
  },
]
