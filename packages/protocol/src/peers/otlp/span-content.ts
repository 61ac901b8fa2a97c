import type { AttributeReader } from './attribute-reader.js'
import {
  argumentsOf,
  fromAiSdkMessages,
  fromChatMessages,
  fromPartsMessages,
  splitSystem,
  toolCallsOf,
} from './chat-messages.js'
import type { ChatMessage, ToolCallEntry } from './chat-messages.js'
import type { EventContent } from './event-messages.js'
import { unflatten } from './unflatten.js'

/** What a span says was said: the event's payload fields. */
export interface SpanContent {
  messages?: ChatMessage[]
  system_prompt?: string
  input?: unknown
  output?: unknown
  tool_calls?: ToolCallEntry[]
  thinking?: string
  stop_reason?: string
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)
const nonEmpty = <T>(list: T[] | undefined): T[] | undefined =>
  list && list.length > 0 ? list : undefined

/** System instructions as text: a string, or the text parts of `[{ type: 'text', content }]`. */
function instructionsText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value
  if (!Array.isArray(value)) return undefined
  const texts = value
    .map((p) => (isObject(p) && typeof p.content === 'string' ? p.content : undefined))
    .filter((t) => t !== undefined)
  return texts.length > 0 ? texts.join('\n\n') : undefined
}

/**
 * The messages sent, in the first convention that has them: the GenAI `gen_ai.input.messages`,
 * OpenInference's flattened `llm.input_messages.N.message.*`, the older flattened
 * `gen_ai.prompt.N.*`, the AI SDK's `ai.prompt.messages`, the span's message events, and the old
 * single `gen_ai.prompt`.
 */
function inputMessages(attrs: AttributeReader, events: EventContent): ChatMessage[] | undefined {
  const genAi = attrs.json('gen_ai.input.messages')
  const openInference = attrs.under('llm.input_messages.')
  const flattened = attrs.under('gen_ai.prompt.')
  const aiSdk = attrs.json('ai.prompt.messages')
  const single = attrs.json('gen_ai.prompt')
  return (
    nonEmpty(fromPartsMessages(genAi)) ??
    nonEmpty(fromChatMessages(unflattenList(openInference))) ??
    nonEmpty(fromChatMessages(unflattenList(flattened))) ??
    nonEmpty(fromAiSdkMessages(aiSdk)) ??
    nonEmpty(events.input) ??
    (Array.isArray(single)
      ? nonEmpty(fromPartsMessages(single))
      : typeof single === 'string'
        ? [{ role: 'user', content: single }]
        : undefined)
  )
}

/** The answer, in the same order of conventions; the AI SDK's text and tool calls as one message. */
function outputMessages(attrs: AttributeReader, events: EventContent): ChatMessage[] | undefined {
  const genAi = attrs.json('gen_ai.output.messages')
  const openInference = attrs.under('llm.output_messages.')
  const flattened = attrs.under('gen_ai.completion.')
  const single = attrs.json('gen_ai.completion')
  const aiText = attrs.first('ai.response.text')
  const aiObject = attrs.json('ai.response.object')
  const aiCalls = attrs.json('ai.response.toolCalls')
  const aiSdk: ChatMessage[] = []
  if (aiText !== undefined || aiObject !== undefined || Array.isArray(aiCalls)) {
    const message: ChatMessage = { role: 'assistant' }
    if (aiText !== undefined) message.content = aiText
    else if (aiObject !== undefined) message.content = aiObject
    // `[{ toolCallId, toolName, input }]`, the input as JSON text.
    const calls = (Array.isArray(aiCalls) ? aiCalls : []).filter(isObject).map((c) => ({
      id: typeof c.toolCallId === 'string' ? c.toolCallId : null,
      name: typeof c.toolName === 'string' ? c.toolName : null,
      arguments: argumentsOf(c.input ?? c.args ?? null),
    }))
    if (calls.length > 0) message.tool_calls = calls
    aiSdk.push(message)
  }
  const assistant = (list: ChatMessage[] | undefined) =>
    list?.map((m) => (m.role === 'user' ? { ...m, role: 'assistant' } : m))
  return (
    nonEmpty(fromPartsMessages(genAi)) ??
    nonEmpty(assistant(fromChatMessages(unflattenList(openInference)))) ??
    nonEmpty(assistant(fromChatMessages(unflattenList(flattened)))) ??
    nonEmpty(aiSdk) ??
    nonEmpty(events.output) ??
    (single === undefined ? undefined : [{ role: 'assistant', content: single }])
  )
}

function unflattenList(entries: Map<string, unknown>): unknown {
  return entries.size === 0 ? undefined : unflatten(entries)
}

/**
 * The content of an LLM call, an agent step or a generic span: messages (system messages taken out
 * as the system prompt, which the store keeps once per org), the last message's content as
 * `input`, the answer as `output` (one message, or the list when there are several choices), the
 * tool calls it asked for and the stop reason. The AI SDK's outer call (`ai.prompt`: `{ system,
 * prompt, messages }`) gives its prompt as `input`.
 */
export function conversationContent(attrs: AttributeReader, events: EventContent): SpanContent {
  const content: SpanContent = {}
  const sent = inputMessages(attrs, events)
  const answer = outputMessages(attrs, events)
  let system = instructionsText(attrs.json('gen_ai.system_instructions'))
  system ??= instructionsText(events.system)
  if (sent) {
    const split = splitSystem(sent)
    system ??= split.system
    if (split.rest.length > 0) content.messages = split.rest
    const last = split.rest[split.rest.length - 1]
    if (last?.content !== undefined) content.input = last.content
  }
  const prompt = attrs.json('ai.prompt')
  if (isObject(prompt)) {
    if (typeof prompt.system === 'string') system ??= prompt.system
    content.input ??= prompt.prompt ?? prompt.messages
  }
  if (system !== undefined) content.system_prompt = system
  if (answer) {
    content.output = answer.length === 1 ? answer[0] : answer
    const calls = toolCallsOf(answer)
    if (calls.length > 0) content.tool_calls = calls
  }
  const thinking = attrs.string('ai.response.reasoning')
  if (thinking !== undefined) content.thinking = thinking
  const reasons = attrs.first(
    'gen_ai.response.finish_reasons',
    'llm.finish_reason',
    'ai.response.finishReason',
  )
  const reason = Array.isArray(reasons) ? reasons.find((r) => typeof r === 'string') : reasons
  if (typeof reason === 'string' && reason !== '') content.stop_reason = reason
  else if (answer?.[0]?.finish_reason) content.stop_reason = answer[0].finish_reason
  // With the messages read, OpenInference's raw request and response (`input.value`,
  // `output.value`) hold nothing more of the conversation: not stored twice.
  if (sent || answer)
    attrs.use('input.value', 'input.mime_type', 'output.value', 'output.mime_type')
  else genericContent(attrs, content)
  return content
}

/** A tool call's arguments, result, name and call id. */
export function toolContent(attrs: AttributeReader): SpanContent & {
  name?: string
  callId?: string
} {
  const content: SpanContent & { name?: string; callId?: string } = {}
  const name = attrs.string('gen_ai.tool.name', 'ai.toolCall.name', 'tool.name')
  if (name !== undefined) content.name = name
  const callId = attrs.string('gen_ai.tool.call.id', 'ai.toolCall.id', 'tool_call.id', 'tool.id')
  if (callId !== undefined) content.callId = callId
  const args = attrs.json('gen_ai.tool.call.arguments', 'ai.toolCall.args')
  if (args !== undefined) content.input = args
  const result = attrs.json('gen_ai.tool.call.result', 'ai.toolCall.result')
  if (result !== undefined) content.output = result
  genericContent(attrs, content)
  return content
}

/** OpenInference's `input.value` / `output.value` and Traceloop's `traceloop.entity.input/output`. */
function genericContent(attrs: AttributeReader, content: SpanContent): void {
  attrs.use('input.mime_type', 'output.mime_type')
  const input = attrs.json('input.value', 'traceloop.entity.input')
  const output = attrs.json('output.value', 'traceloop.entity.output')
  if (content.input === undefined && input !== undefined) content.input = input
  if (content.output === undefined && output !== undefined) content.output = output
}
