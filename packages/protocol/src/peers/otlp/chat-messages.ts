import { parseJsonText } from './attribute-reader.js'

/** A tool call a model asked for, as the event's `tool_calls` and messages carry it. */
export interface ToolCallEntry {
  id: string | null
  name: string | null
  /** The arguments: an object when they were JSON, else as sent. */
  arguments: unknown
}

/**
 * One message as stored on an event, whatever convention it came in: `content` is text, or content
 * blocks (`{ type: 'text', text }` and the rest as sent) when it holds more than text.
 */
export interface ChatMessage {
  role: string
  content?: unknown
  tool_calls?: ToolCallEntry[]
  /** On a `tool` message: the call it answers. */
  tool_call_id?: string
  name?: string
  finish_reason?: string
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** Arguments sent as JSON text, parsed; anything else as it is. */
export function argumentsOf(value: unknown): unknown {
  return typeof value === 'string' ? parseJsonText(value) : (value ?? null)
}

/** Content blocks as text when they are all text, else the blocks. */
function contentOf(blocks: unknown[]): unknown {
  if (blocks.length === 0) return undefined
  if (blocks.every((b) => isObject(b) && b.type === 'text' && typeof b.text === 'string'))
    return blocks.map((b) => (b as { text: string }).text).join('')
  return blocks
}

function message(
  role: string,
  blocks: unknown[],
  calls: ToolCallEntry[],
  extra: Json,
): ChatMessage {
  const m: ChatMessage = { role }
  const content = contentOf(blocks)
  if (content !== undefined) m.content = content
  if (calls.length > 0) m.tool_calls = calls
  if (str(extra.name)) m.name = extra.name as string
  if (str(extra.finish_reason)) m.finish_reason = extra.finish_reason as string
  return m
}

/**
 * Messages in the GenAI conventions' parts format (`gen_ai.input.messages`, `gen_ai.output.messages`):
 * `{ role, parts: [{ type: 'text', content } | { type: 'tool_call', id, name, arguments } |
 * { type: 'tool_call_response', id, response }], finish_reason? }`. A tool response becomes a `tool`
 * message naming its call. Messages already in the `{ role, content }` form pass through.
 */
export function fromPartsMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value)) return undefined
  const out: ChatMessage[] = []
  for (const raw of value) {
    if (!isObject(raw)) continue
    const role = str(raw.role) ?? 'user'
    if (!Array.isArray(raw.parts)) {
      const plain = fromChatMessages([raw])
      if (plain) out.push(...plain)
      continue
    }
    const blocks: unknown[] = []
    const calls: ToolCallEntry[] = []
    for (const part of raw.parts) {
      if (!isObject(part)) continue
      if (part.type === 'text') blocks.push({ type: 'text', text: String(part.content ?? '') })
      else if (part.type === 'tool_call')
        calls.push({
          id: str(part.id) ?? null,
          name: str(part.name) ?? null,
          arguments: argumentsOf(part.arguments),
        })
      else if (part.type === 'tool_call_response')
        out.push({
          role: 'tool',
          content: argumentsOf(part.response ?? part.result ?? null),
          ...(str(part.id) && { tool_call_id: part.id as string }),
        })
      else blocks.push(part)
    }
    if (blocks.length > 0 || calls.length > 0 || !raw.parts.length)
      out.push(message(role, blocks, calls, raw))
  }
  return out
}

/**
 * Messages in the OpenAI chat form (`{ role, content, tool_calls: [{ id, function: { name,
 * arguments } }], tool_call_id }`), as rebuilt from OpenInference's or Traceloop's flattened
 * attributes. Content arrays of OpenInference (`message_content: { type, text }`) are read too.
 */
export function fromChatMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value)) return undefined
  const out: ChatMessage[] = []
  for (const raw of value) {
    if (!isObject(raw)) continue
    const m = isObject(raw.message) ? raw.message : raw
    const blocks: unknown[] = []
    if (typeof m.content === 'string') blocks.push({ type: 'text', text: m.content })
    else if (Array.isArray(m.content)) blocks.push(...m.content)
    if (Array.isArray(m.contents))
      for (const c of m.contents) {
        const block = isObject(c) && isObject(c.message_content) ? c.message_content : c
        blocks.push(block)
      }
    const calls: ToolCallEntry[] = []
    if (Array.isArray(m.tool_calls))
      for (const c of m.tool_calls) {
        const call = isObject(c) && isObject(c.tool_call) ? c.tool_call : c
        if (!isObject(call)) continue
        const fn = isObject(call.function) ? call.function : call
        calls.push({
          id: str(call.id) ?? null,
          name: str(fn.name) ?? null,
          arguments: argumentsOf(fn.arguments ?? fn.input ?? null),
        })
      }
    const msg = message(str(m.role) ?? 'user', blocks, calls, m)
    if (str(m.tool_call_id)) msg.tool_call_id = m.tool_call_id as string
    out.push(msg)
  }
  return out
}

/**
 * Messages in the AI SDK's prompt form (`ai.prompt.messages`): content is text or parts, `text`,
 * `reasoning`, `file`, `tool-call` (`toolCallId`, `toolName`, `input`) and `tool-result`
 * (`toolCallId`, `output: { type, value }`); each tool result becomes a `tool` message.
 */
export function fromAiSdkMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value)) return undefined
  const out: ChatMessage[] = []
  for (const raw of value) {
    if (!isObject(raw)) continue
    const role = str(raw.role) ?? 'user'
    if (!Array.isArray(raw.content)) {
      out.push({ role, ...(raw.content !== undefined && { content: raw.content }) })
      continue
    }
    const blocks: unknown[] = []
    const calls: ToolCallEntry[] = []
    for (const part of raw.content) {
      if (!isObject(part)) continue
      if (part.type === 'tool-call')
        calls.push({
          id: str(part.toolCallId) ?? null,
          name: str(part.toolName) ?? null,
          arguments: argumentsOf(part.input ?? part.args ?? null),
        })
      else if (part.type === 'tool-result') {
        const output =
          isObject(part.output) && 'value' in part.output ? part.output.value : part.output
        out.push({
          role: 'tool',
          content: output ?? part.result ?? null,
          ...(str(part.toolCallId) && { tool_call_id: part.toolCallId as string }),
          ...(str(part.toolName) && { name: part.toolName as string }),
        })
      } else blocks.push(part)
    }
    if (blocks.length > 0 || calls.length > 0) out.push(message(role, blocks, calls, {}))
  }
  return out
}

/** The text of system and developer messages, and the others: the prompt is stored once per org. */
export function splitSystem(messages: readonly ChatMessage[]): {
  system: string | undefined
  rest: ChatMessage[]
} {
  const texts: string[] = []
  const rest: ChatMessage[] = []
  for (const m of messages)
    if ((m.role === 'system' || m.role === 'developer') && typeof m.content === 'string')
      texts.push(m.content)
    else rest.push(m)
  return { system: texts.length > 0 ? texts.join('\n\n') : undefined, rest }
}

/** The tool calls of messages, in order. */
export function toolCallsOf(messages: readonly ChatMessage[]): ToolCallEntry[] {
  return messages.flatMap((m) => m.tool_calls ?? [])
}
