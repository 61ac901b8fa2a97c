import type { TrailEvent } from '../trail-event.js'
import { splitPrompt } from './langchain/langchain-messages.js'
import { modelAtStart, providerFromModel } from './langchain/llm-provider.js'
import { providerTokens, readLlmResult } from './langchain/llm-result.js'
import { RunRegistry } from './langchain/run-registry.js'
import type { RunState } from './langchain/run-registry.js'
import { runNameOf, toolInput, toolNameOf, toolOutput } from './langchain/tool-run.js'
import { errorField, safely } from './support/trail-sink.js'
import type { TrailSink } from './support/trail-sink.js'

export interface AgentTrailCallbackConfig {
  /** The agent every event is recorded under. */
  agent: string
  /** Tool name → `{ service, action? }`. A tool not in the map is recorded as service `<tool name>`, action `invoke`. */
  serviceMap?: Record<string, { service: string; action?: string }>
  /** Record LLM and chat model calls (kind `llm_call`). Default true. */
  trackLLM?: boolean
  /** Record tool calls (kind `tool_call`). Default true. */
  trackTools?: boolean
  /** Record chain and agent runs (kind `chain`). Default false. */
  trackChains?: boolean
  /** Record prompts, messages, outputs, tool arguments and results. Default true; counts, timings and errors are always recorded. */
  captureContent?: boolean
  /** More native fields for every event (`user`, `tags`, `conversation_id`, `trace_id`, `metadata`...). */
  event?: TrailEvent
}

const KNOWN_PROVIDERS = new Set(['openai', 'anthropic', 'google'])
const KNOWN_KIND = { llm: 'llm_call', tool: 'tool_call', chain: 'chain' } as const

/**
 * A LangChain callback handler that records LLM calls (model, prompt, output, token usage, stop
 * reason, latency), tool calls (with their real names) and, optionally, chain runs, each with the
 * run id as `span_id` and the parent run's as `parent_span_id`, all runs of one invocation under
 * one `trace_id`. It imports nothing from LangChain: LangChain takes any object with a `name` and
 * `handle*` methods as a handler. Events go through `fire()`, so it never waits on the network,
 * and nothing it does can throw into LangChain.
 *
 * ```ts
 * const handler = new AgentTrailCallbackHandler(trail, { agent: 'research-bot' })
 * await agent.invoke({ input }, { callbacks: [handler] })
 * ```
 */
export class AgentTrailCallbackHandler {
  name = 'AgentTrailCallbackHandler'
  /** LangChain awaits these handlers instead of queueing them: they only fill a map and `fire()`. */
  readonly awaitHandlers = true
  readonly raiseError = false
  readonly ignoreLLM: boolean
  readonly ignoreAgent: boolean
  /** Chain callbacks are needed even untracked: they tie nested runs to one trace. */
  readonly ignoreChain = false
  readonly ignoreRetriever = true
  readonly ignoreCustomEvent = true
  private readonly config: Required<
    Pick<AgentTrailCallbackConfig, 'trackLLM' | 'trackTools' | 'trackChains' | 'captureContent'>
  > &
    AgentTrailCallbackConfig
  private readonly runs = new RunRegistry()

  constructor(
    private readonly client: TrailSink,
    config: AgentTrailCallbackConfig,
  ) {
    this.config = {
      trackLLM: true,
      trackTools: true,
      trackChains: false,
      captureContent: true,
      ...config,
    }
    this.ignoreLLM = !this.config.trackLLM
    this.ignoreAgent = !this.config.trackTools
  }

  // ==================== LLM and chat model calls ====================

  async handleLLMStart(
    llm: unknown,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    this.beginModelRun(llm, runId, parentRunId, extraParams, metadata, (start) => {
      start.input = prompts.length === 1 ? prompts[0] : prompts
    })
  }

  async handleChatModelStart(
    llm: unknown,
    messages: unknown[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    this.beginModelRun(llm, runId, parentRunId, extraParams, metadata, (start) => {
      const prompt = splitPrompt(messages[0] ?? [])
      start.messages = prompt.messages
      if (prompt.systemPrompt !== undefined) start.system_prompt = prompt.systemPrompt
    })
  }

  /** Opens the run of a model call (text or chat); `content` adds what was asked, when content is captured. */
  private beginModelRun(
    llm: unknown,
    runId: string,
    parentRunId: string | undefined,
    extraParams: Record<string, unknown> | undefined,
    metadata: Record<string, unknown> | undefined,
    content: (start: TrailEvent) => void,
  ): void {
    safely(this.client, () => {
      if (!this.config.trackLLM) return
      const start: TrailEvent = {
        ...modelAtStart(llm, extraParams, metadata),
        ...conversationOf(metadata),
      }
      if (this.config.captureContent) content(start)
      this.runs.begin(runId, parentRunId, start)
    })
  }

  async handleLLMEnd(output: unknown, runId: string, parentRunId?: string): Promise<void> {
    safely(this.client, () => {
      if (!this.config.trackLLM) return
      const { state, durationMs } = this.runs.end(runId, parentRunId)
      const result = readLlmResult(output)
      const model = result.model ?? (state.start.model as string | undefined)
      const provider = pickProvider(
        state.start.provider as string | undefined,
        result.provider,
        providerFromModel(model),
      )
      const fields: TrailEvent = {
        service: provider ?? 'llm',
        action: 'completion',
        provider,
        model,
        ...providerTokens(result.tokens, provider, model),
      }
      if (result.stopReason !== undefined) fields.stop_reason = result.stopReason
      if (result.toolCalls !== undefined) fields.tool_calls = result.toolCalls
      if (this.config.captureContent) {
        if (result.output !== undefined) fields.output = result.output
        if (result.thinking !== undefined) fields.thinking = result.thinking
      }
      this.record('llm', runId, state, durationMs, 'success', fields)
    })
  }

  async handleLLMError(err: unknown, runId: string, parentRunId?: string): Promise<void> {
    safely(this.client, () => {
      if (!this.config.trackLLM) return
      const { state, durationMs } = this.runs.end(runId, parentRunId)
      const provider = pickProvider(
        state.start.provider as string | undefined,
        providerFromModel(state.start.model as string | undefined),
      )
      this.record('llm', runId, state, durationMs, 'error', {
        service: provider ?? 'llm',
        action: 'completion',
        provider,
        error: errorField(err),
      })
    })
  }

  // ==================== Tool calls ====================

  async handleToolStart(
    tool: unknown,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): Promise<void> {
    safely(this.client, () => {
      if (!this.config.trackTools) return
      const toolName = toolNameOf(tool, runName)
      const mapped = this.config.serviceMap?.[toolName]
      const start: TrailEvent = {
        service: mapped?.service || toolName,
        action: mapped?.action || 'invoke',
        ...conversationOf(metadata),
        metadata: toolCallId ? { toolName, tool_call_id: toolCallId } : { toolName },
      }
      if (this.config.captureContent) start.input = toolInput(input)
      this.runs.begin(runId, parentRunId, start)
    })
  }

  async handleToolEnd(output: unknown, runId: string, parentRunId?: string): Promise<void> {
    safely(this.client, () => {
      if (!this.config.trackTools) return
      const { state, durationMs } = this.runs.end(runId, parentRunId)
      const result = toolOutput(output)
      const fields: TrailEvent =
        this.config.captureContent && result.output !== undefined ? { output: result.output } : {}
      this.record('tool', runId, state, durationMs, result.failed ? 'error' : 'success', fields)
    })
  }

  async handleToolError(err: unknown, runId: string, parentRunId?: string): Promise<void> {
    safely(this.client, () => {
      if (!this.config.trackTools) return
      const { state, durationMs } = this.runs.end(runId, parentRunId)
      this.record('tool', runId, state, durationMs, 'error', { error: errorField(err) })
    })
  }

  // ==================== Chain and agent runs ====================

  /** LangChain calls this with the parent run id fourth, whatever its own type declarations say. */
  async handleChainStart(
    chain: unknown,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
  ): Promise<void> {
    safely(this.client, () => {
      // Hidden runs are LangChain's plumbing (its own tag); they still carry the trace.
      const start: TrailEvent = { title: runNameOf(chain, runName), ...conversationOf(metadata) }
      if (tags?.includes('langsmith:hidden')) start.hidden = true
      if (runType) start.metadata = { runType }
      if (this.config.trackChains && this.config.captureContent) start.input = inputs
      this.runs.begin(runId, parentRunId, start)
    })
  }

  async handleChainEnd(outputs: unknown, runId: string, parentRunId?: string): Promise<void> {
    safely(this.client, () => {
      const { state, durationMs } = this.runs.end(runId, parentRunId)
      if (!this.config.trackChains || state.start.hidden) return
      const fields: TrailEvent = this.config.captureContent ? { output: outputs } : {}
      this.record('chain', runId, state, durationMs, 'success', {
        service: 'langchain',
        action: 'chain_run',
        ...fields,
      })
    })
  }

  async handleChainError(err: unknown, runId: string, parentRunId?: string): Promise<void> {
    safely(this.client, () => {
      const { state, durationMs } = this.runs.end(runId, parentRunId)
      if (!this.config.trackChains || state.start.hidden) return
      this.record('chain', runId, state, durationMs, 'error', {
        service: 'langchain',
        action: 'chain_run',
        error: errorField(err),
      })
    })
  }

  private record(
    kind: keyof typeof KNOWN_KIND,
    runId: string,
    state: RunState,
    durationMs: number | undefined,
    status: string,
    fields: TrailEvent,
  ) {
    const { hidden: _hidden, metadata: startMetadata, ...start } = state.start as TrailEvent
    const base = this.config.event
    const event: TrailEvent = {
      ...base,
      ...start,
      ...fields,
      kind: KNOWN_KIND[kind],
      agent: this.config.agent,
      status,
      ts: state.startedAt,
      trace_id: base?.trace_id ?? state.traceId,
      span_id: runId,
      metadata: {
        ...base?.metadata,
        source: 'langchain',
        runId,
        ...(startMetadata as object | undefined),
      },
    }
    if (state.parentRunId) event.parent_span_id = state.parentRunId
    if (durationMs !== undefined) event.duration_ms = durationMs
    if (base?.conversation_id !== undefined) event.conversation_id = base.conversation_id
    this.client.fire(event)
  }
}

/** The same class under AgentLedger's name, so `agentledger/integrations/langchain` code ports unchanged. */
export { AgentTrailCallbackHandler as AgentLedgerCallbackHandler }
export type AgentLedgerCallbackConfig = AgentTrailCallbackConfig

/** The first provider AgentTrail prices (openai, anthropic, google), else the first one named. */
function pickProvider(...candidates: Array<string | undefined>): string | undefined {
  return (
    candidates.find((p) => p !== undefined && KNOWN_PROVIDERS.has(p)) ??
    candidates.find((p) => p !== undefined)
  )
}

/** LangGraph puts the `thread_id` of the run's config in the run metadata: that thread is the conversation. */
function conversationOf(metadata: Record<string, unknown> | undefined): TrailEvent {
  const id = metadata?.thread_id ?? metadata?.conversation_id
  return typeof id === 'string' && id.length > 0 ? { conversation_id: id } : {}
}
