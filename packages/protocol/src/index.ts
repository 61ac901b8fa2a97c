export { LIMITS } from './limits.js'
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
export type { NormalizeContext, NormalizeResult } from './normalize-event.js'
export { zodIssues } from './zod-issues.js'
