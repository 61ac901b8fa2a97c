import { AgentTrail } from './agent-trail.js'
import type { AgentTrailOptions } from './agent-trail-options.js'
import { recordOpenAICall } from './integrations/openai.js'
import { recordAnthropicCall } from './integrations/anthropic.js'
import { recordGeminiCall } from './integrations/gemini.js'
import type { EventSink } from './integrations/provider-call.js'
import type { TrailEvent } from './trail-event.js'

/**
 * A Logwick log (shared/reference/000, "Log fields reference"): one AI call. It is sent as a
 * native event through the batcher: `tokens` becomes `tokens_total`, `latency_ms` becomes
 * `duration_ms`, and `kind` is `llm_call` unless given, exactly as the server maps
 * `POST /api/v1/logs`. Native fields (model, tokens_input, trace_id...) may be added.
 */
export interface LogwickLog extends TrailEvent {
  /** The AI model or agent name. */
  agent: string
  /** The task type, e.g. `email_draft`. */
  action: string
  /** `success` (default), `error` or `pending`. */
  status?: string
  input?: unknown
  output?: unknown
  /** Who or what triggered it. */
  user?: string
  /** Total tokens. */
  tokens?: number
  /** Milliseconds. */
  latency_ms?: number
  cost_usd?: number
  tags?: string[]
  metadata?: Record<string, unknown>
}

/** Logwick's client options: AgentTrail's, with `silent` on by default as Logwick documents. */
export interface LogwickClientOptions extends AgentTrailOptions {
  /** No console warnings. Default true (Logwick's default). */
  silent?: boolean
  /** Tags on every log. Default none. */
  tags?: string[]
}

/** Logwick's `LogwickClient`: `fire()` returns at once and never throws. */
export class LogwickClient {
  /** The underlying client, for everything beyond Logwick's surface (track, log, stream...). */
  readonly trail: AgentTrail

  constructor(options: LogwickClientOptions = {}) {
    this.trail = new AgentTrail({ ...options, silent: options.silent ?? true })
    this.fire = this.fire.bind(this)
  }

  fire(log: LogwickLog): void {
    if (log?.kind !== undefined) return this.trail.fire(log)
    const event: TrailEvent = { kind: undefined, ...log }
    event.kind = 'llm_call'
    this.trail.fire(event)
  }

  /**
   * Logwick's OpenAI wrapper (shared/reference/000, "OpenAI integration"): runs `call` (a
   * `chat.completions.create` or `responses.create`) and returns its result unchanged, logging the
   * call: output, model, tokens, latency, stop reason, rate-limit headers. `options` are the log's
   * fields (`action`, `user`, `input`, `tags`...); `agent` defaults to the model that answered. The
   * server prices it. See `agenttrail/integrations/openai` for wrapping a client once.
   */
  openai<R>(call: () => R, options: Partial<LogwickLog> = {}): R {
    return recordOpenAICall(this.namedAfterModel, call, { event: options })
  }

  flush(): Promise<void> {
    return this.trail.flush()
  }

  shutdown(): Promise<void> {
    return this.trail.shutdown()
  }

  /**
   * Logwick's `logwick.anthropic(() => anthropic.messages.create(...), { action, user })`: returns
   * what the call returns and records it (output, model, tokens, stop reason, tool calls, latency).
   * See `agenttrail/integrations/anthropic`.
   */
  anthropic<R>(call: () => R, log: Partial<LogwickLog>): R {
    return recordAnthropicCall(this.namedAfterModel, call, { event: log })
  }

  /** Logwick's `logwick.gemini(() => model.generateContent(prompt), { action, user })`. See `agenttrail/integrations/gemini`. */
  gemini<R>(call: () => R, log: Partial<LogwickLog>): R {
    return recordGeminiCall(this.namedAfterModel, call, { event: log })
  }

  // Logwick's wrappers name the agent after the model unless the log names one.
  private readonly namedAfterModel: EventSink = {
    fire: (event) => this.trail.fire({ ...event, agent: event.agent ?? event.model }),
    reportError: (error) => (this.trail as EventSink).reportError?.(error),
  }
}

let defaultClient: LogwickClient | undefined
let warnedUninitialized = false

/**
 * Logwick's module-level setup (`logwick.init(api_key=...)` in its Python SDK): creates the client
 * the module-level `fire()` uses. Calling it again replaces that client after flushing the old one.
 */
export function init(options: LogwickClientOptions): LogwickClient {
  const previous = defaultClient
  defaultClient = new LogwickClient(options)
  void previous?.shutdown()
  return defaultClient
}

/** Logwick's module-level fire-and-forget. Before `init()` it drops the log and warns once on the console. */
export function fire(log: LogwickLog): void {
  if (defaultClient) return defaultClient.fire(log)
  if (warnedUninitialized) return
  warnedUninitialized = true
  try {
    console.warn(
      '[agenttrail] fire() called before init(); logs are dropped until init({ apiKey }) is called',
    )
  } catch {
    // Nowhere else to report it.
  }
}

/** Flushes the client `init()` created; resolves at once when there is none. */
export function flush(): Promise<void> {
  return defaultClient?.flush() ?? Promise.resolve()
}

/** Shuts down the client `init()` created. */
export function shutdown(): Promise<void> {
  return defaultClient?.shutdown() ?? Promise.resolve()
}
