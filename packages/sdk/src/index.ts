import { AgentTrail } from './agent-trail.js'

export { AgentTrail }
/** The same class under AgentLedger's name, so `import { AgentLedger } from 'agenttrail'` ports code unchanged. */
export { AgentTrail as AgentLedger }
export default AgentTrail

export { KEY_PREFIXES } from './agent-trail-options.js'
export type { AgentTrailOptions, DropReason } from './agent-trail-options.js'
export type { TrailEvent, EventReceipt } from './trail-event.js'
export type { TrackOptions, TrackResult } from './track.js'
export type {
  AgentControlResult,
  ApprovalDecision,
  CheckOptions,
  CheckResult,
  EvaluateOptions,
  WaitForApprovalOptions,
} from './agent-controls.js'
export type { ActionLog, Alert, StreamHandle, StreamOptions } from './event-stream.js'
export type { ProcessorStats } from './batch-processor.js'
export type { FetchLike, FetchResponseLike } from './fetch-like.js'
export {
  ActionBlockedError,
  AgentTrailError,
  ApprovalRequiredError,
  BLOCKED_PREFIX,
} from './errors.js'
export type { AgentTrailErrorInit, ErrorDetail } from './errors.js'
export { LogwickClient, fire, flush, init, shutdown } from './logwick-client.js'
export type { LogwickClientOptions, LogwickLog } from './logwick-client.js'
export { uuidv7 } from './uuidv7.js'
export { TrailReader } from './trail-reader.js'
export type {
  AgentQuery,
  AlertQuery,
  Answer,
  ApprovalQuery,
  ConversationQuery,
  EventPage,
  EventQuery,
  Instant,
  StatsQuery,
  StoredEvent,
  TimelineQuery,
  TrailReaderOptions,
} from './trail-reader.js'
export { verifyInclusionProof } from './log/log-verifier.js'
export type { ProofVerdict, TrustedKeys, VerifiedCheckpoint } from './log/log-verifier.js'
export { verifyCheckpointHistory } from './log/checkpoint-history.js'
export type { CheckpointSource, HistoryVerdict } from './log/checkpoint-history.js'
export type {
  CheckpointPage,
  CheckpointQuery,
  ConsistencyProof,
  ErasureRequest,
  ErasureResult,
  InclusionProof,
  LogCheckpoint,
  LogKey,
  LogLeaf,
  LogStatus,
} from './log/log-types.js'
