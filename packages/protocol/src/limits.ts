/**
 * Documented limits on what one event may carry. The HTTP layer enforces the request-size limits,
 * the event schema enforces the rest; `docs/api.md` lists them for users.
 */
export const LIMITS = {
  /** Identifiers and names: agent, service, action, user, environment, kind, trace and span ids. */
  shortString: 256,
  /** `title`. */
  title: 1_024,
  /** `thinking` (plain text). */
  thinking: 262_144,
  /** Number of tags, and the length of each. */
  tags: 64,
  tag: 128,
  /** Serialized JSON size of each payload field (`input`, `output`, `messages`, `tool_calls`, `error`, `system_prompt`). */
  payloadBytes: 262_144,
  /** Serialized JSON size of `metadata`, `context` and `rate_limit` each. */
  objectBytes: 65_536,
  /** One request body for `POST /api/v1/events`. Default 1 MiB. */
  eventBodyBytes: 1_048_576,
  /** One request body for `POST /api/v1/events/batch`. Default 16 MiB. */
  batchBodyBytes: 16_777_216,
  /** Events in one batch request. */
  batchEvents: 1_000,
  /** Rows in one page of `GET /api/v1/events`. */
  pageRows: 1_000,
  /**
   * Levels of nesting a JSON value may have where it is read before secret redaction (which keeps 64
   * levels of what it stores): a check's `input` and `context`, AgentLedger's `input`, `output` and
   * `metadata`. Deeper values would exhaust the stack of a JSON serializer.
   */
  jsonDepth: 1_000,
  /** Token counts and durations are integers in [0, this]. */
  maxCount: 1e12,
  /** How far in the future a client-set `ts` may lie, in ms (clock skew). Default 24 h. */
  futureSkewMs: 86_400_000,
} as const
