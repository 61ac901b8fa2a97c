export { LIMITS } from './limits.js'
export { nestedDeeperThan } from './json-depth.js'
export {
  MAX_TIME_MS,
  MIN_TIME_MS,
  inRange,
  parseDateTime,
  parseDay,
  parseEpochMs,
  parseTimeBound,
} from './calendar-time.js'
export { EVENT_STATUSES, ACCEPTED_STATUS_WORDS, normalizeStatus } from './status.js'
export type { EventStatus } from './status.js'
export { ERROR_CODES } from './error-codes.js'
export type { ErrorCode, ErrorBody, FieldIssue } from './error-codes.js'
export { usdToMicros, microsToUsd } from './money.js'
export { isUuid, uuidv7 } from './uuid.js'
export {
  EventInputSchema,
  EVENT_INPUT_FIELDS,
  BatchInputSchema,
  EventSchema,
  AppendReceiptSchema,
} from './event-schema.js'
export type { EventInput, Event, AppendReceipt } from './event-schema.js'
export type { NewEvent } from './new-event.js'
export { normalizeEvent } from './normalize-event.js'
export { PRICE_TABLE, PRICE_TABLE_VERSION } from './price-table.js'
export type { ModelRates, PricedProvider, Rates } from './price-table.js'
export { findModelRates } from './find-model-rates.js'
export type { ModelMatch } from './find-model-rates.js'
export { priceLlmCall, PRICE_TABLE_SOURCE } from './price-llm-call.js'
export type { LlmCost, LlmUsage } from './price-llm-call.js'
export type { NormalizeContext, NormalizeResult } from './normalize-event.js'
export { zodIssues } from './zod-issues.js'
export {
  actionLogFromEvent,
  eventFromAction,
  usdToCents,
} from './peers/agentledger/agentledger-action.js'
export type { ActionLog, ActionMapResult } from './peers/agentledger/agentledger-action.js'
export {
  logwickLogFromEvent,
  eventFromLogwick,
  LOGWICK_RENAMES,
} from './peers/logwick/logwick-log.js'
export type { LogwickLog } from './peers/logwick/logwick-log.js'
export { agentGuid } from './agent-guid.js'
export {
  ActivityEventSchema,
  WIRO_ACTIVITY_KINDS,
  WIRO_KIND_FAMILY,
  eventFromActivity,
  creditsToUsd,
  usdToCredits,
} from './peers/wiro/wiro-activity.js'
export type { ActivityEvent, WiroActivityKind } from './peers/wiro/wiro-activity.js'
export { activityFromEvent } from './peers/wiro/wiro-activity-from-event.js'
export {
  AGENTWARDEN_FIELD_MESSAGES,
  AGENTWARDEN_STATUSES,
  eventFromAgentWardenLog,
} from './peers/agentwarden/agentwarden-log.js'
export type {
  AgentWardenLog,
  AgentWardenMapResult,
  AgentWardenStatus,
} from './peers/agentwarden/agentwarden-log.js'
export { CONTROL_RULES, ControlNoteSchema, RULE_TYPES } from './control-note.js'
export type { ControlNote, ControlRule, RuleType } from './control-note.js'
export { OtlpMalformedError, readTraceRequest } from './peers/otlp/otlp-trace-request.js'
export type {
  OtlpRejection,
  OtlpScope,
  OtlpSpan,
  OtlpSpanEvent,
} from './peers/otlp/otlp-trace-request.js'
export { eventFromSpan } from './peers/otlp/event-from-span.js'
export { readLogsRequest } from './peers/otlp/otlp-logs-request.js'
export type { OtlpLogRecord } from './peers/otlp/otlp-logs-request.js'
export { eventFromLog } from './peers/otlp/event-from-log.js'
export { CSV_COLUMNS, csvCell, csvRow } from './csv-row.js'
export * from './integrity/index.js'
