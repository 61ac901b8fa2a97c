import type { AttributeReader } from './attribute-reader.js'

/** What a span is, as an event kind, and the operation it names (the event's `action` for most). */
export interface SpanKind {
  kind: 'llm_call' | 'tool_call' | 'turn' | 'http_call' | 'action'
  /** `chat`, `execute_tool`, `invoke_agent`, `generateText`, the OpenInference kind, ... */
  operation: string | null
  /** Which convention decided: reported under `metadata.otel.convention`. */
  convention: 'gen_ai' | 'openinference' | 'ai_sdk' | 'traceloop' | 'http' | null
}

const GEN_AI_OPERATIONS: Readonly<Record<string, SpanKind['kind']>> = {
  chat: 'llm_call',
  text_completion: 'llm_call',
  generate_content: 'llm_call',
  completion: 'llm_call',
  generate: 'llm_call',
  execute_tool: 'tool_call',
  invoke_agent: 'turn',
  invoke_workflow: 'turn',
}

const OPENINFERENCE_KINDS: Readonly<Record<string, SpanKind['kind']>> = {
  LLM: 'llm_call',
  TOOL: 'tool_call',
  AGENT: 'turn',
}

/** The AI SDK's operation ids: the model call of each step, the tool call, and the outer call. */
const AI_SDK_OPERATIONS: Readonly<Record<string, SpanKind['kind']>> = {
  'ai.generateText.doGenerate': 'llm_call',
  'ai.streamText.doStream': 'llm_call',
  'ai.generateObject.doGenerate': 'llm_call',
  'ai.streamObject.doStream': 'llm_call',
  'ai.toolCall': 'tool_call',
  'ai.generateText': 'turn',
  'ai.streamText': 'turn',
  'ai.generateObject': 'turn',
  'ai.streamObject': 'turn',
}

const TRACELOOP_KINDS: Readonly<Record<string, SpanKind['kind']>> = {
  workflow: 'turn',
  agent: 'turn',
  tool: 'tool_call',
}

/**
 * A span's kind, by the first rule that applies (the order Langfuse's field-tested mapper uses):
 * OpenInference's `openinference.span.kind`; `gen_ai.operation.name`; the AI SDK's
 * `ai.operationId`; Traceloop's `traceloop.span.kind`; a tool name or call id (a tool call); a
 * model name (an LLM call); an HTTP client span's method and URL (an HTTP call); else a generic
 * `action`. Operations no kind covers (embeddings, retrieval, chains, tasks) are generic actions
 * that keep their operation name.
 */
export function spanKindOf(attrs: AttributeReader, otlpKind: number, name: string): SpanKind {
  const oi = attrs.string('openinference.span.kind')
  if (oi !== undefined) {
    const upper = oi.toUpperCase()
    return {
      kind: OPENINFERENCE_KINDS[upper] ?? 'action',
      operation: upper.toLowerCase(),
      convention: 'openinference',
    }
  }
  const operation = attrs.string('gen_ai.operation.name')
  if (operation !== undefined)
    return { kind: GEN_AI_OPERATIONS[operation] ?? 'action', operation, convention: 'gen_ai' }
  const aiOperation = attrs.string('ai.operationId')
  if (aiOperation !== undefined && aiOperation.startsWith('ai.'))
    return {
      kind: AI_SDK_OPERATIONS[aiOperation] ?? 'action',
      operation: aiOperation.slice(3),
      convention: 'ai_sdk',
    }
  const traceloop = attrs.string('traceloop.span.kind')
  if (traceloop !== undefined)
    return {
      kind: TRACELOOP_KINDS[traceloop] ?? 'action',
      operation: traceloop,
      convention: 'traceloop',
    }
  if (attrs.has('gen_ai.tool.name') || attrs.has('gen_ai.tool.call.id'))
    return { kind: 'tool_call', operation: 'execute_tool', convention: 'gen_ai' }
  if (
    attrs.has('gen_ai.request.model') ||
    attrs.has('gen_ai.response.model') ||
    attrs.has('llm.model_name')
  )
    return {
      kind: 'llm_call',
      // The GenAI span name is `{operation} {model}`: older instrumentations name the operation there only.
      operation: operationInName(name),
      convention: attrs.has('llm.model_name') ? 'openinference' : 'gen_ai',
    }
  // CLIENT (3): a request this process made, such as an instrumented fetch.
  if (
    otlpKind === 3 &&
    (attrs.has('http.request.method') || attrs.has('http.method')) &&
    (attrs.has('url.full') || attrs.has('http.url'))
  )
    return { kind: 'http_call', operation: null, convention: 'http' }
  return { kind: 'action', operation: null, convention: null }
}

function operationInName(name: string): string | null {
  const first = name.split(' ', 1)[0] ?? ''
  return GEN_AI_OPERATIONS[first] === 'llm_call' ? first : null
}
