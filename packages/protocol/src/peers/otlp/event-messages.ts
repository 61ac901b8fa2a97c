import { parseJsonText } from './attribute-reader.js'
import { fromChatMessages, fromPartsMessages } from './chat-messages.js'
import type { ChatMessage } from './chat-messages.js'
import type { Attributes } from './otlp-value.js'

/** The GenAI events that carry one message each (semantic conventions ≤ 1.36), by role. */
export const MESSAGE_EVENTS: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
  'gen_ai.choice': 'assistant',
}

/** The event that carries a whole call's content in structured form (current conventions). */
export const DETAILS_EVENT = 'gen_ai.client.inference.operation.details'

/** The content events of earlier conventions (Semantic Kernel and others): `gen_ai.prompt` / `gen_ai.completion`. */
const CONTENT_EVENTS = new Set(['gen_ai.content.prompt', 'gen_ai.content.completion'])

/** True for the events whose content `messagesFromEvents` reads. */
export function isMessageEvent(name: string): boolean {
  return name in MESSAGE_EVENTS || name === DETAILS_EVENT || CONTENT_EVENTS.has(name)
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)
const parsed = (v: unknown): unknown => (typeof v === 'string' ? parseJsonText(v) : v)

/**
 * One message event (`gen_ai.user.message`, `gen_ai.choice`, ...) as a message. Its body (a log
 * record's body, or on a span event the `gen_ai.event.content` or `content` attribute, JSON text or
 * a value) is `{ content, role?, tool_calls?, id? }`, or for `gen_ai.choice`
 * `{ index, finish_reason, message: { role, content, tool_calls } }`.
 */
export function messageOfEvent(name: string, body: unknown): ChatMessage | undefined {
  const role = MESSAGE_EVENTS[name]
  if (role === undefined) return undefined
  const value = parsed(body)
  if (!isObject(value))
    return value === undefined || value === null ? undefined : { role, content: value }
  const inner = isObject(value.message) ? value.message : value
  const [message] = fromChatMessages([{ role, ...inner }]) ?? []
  if (!message) return undefined
  if (typeof value.finish_reason === 'string') message.finish_reason = value.finish_reason
  if (role === 'tool' && typeof value.id === 'string') message.tool_call_id = value.id
  return message
}

/** The content a span's events carry: input and output messages and the system instructions. */
export interface EventContent {
  input: ChatMessage[]
  output: ChatMessage[]
  system?: unknown
}

/** Reads the message events of a span in order; the caller uses them when its attributes have none. */
export function messagesFromEvents(
  events: ReadonlyArray<{ name: string; attributes: Attributes }>,
): EventContent {
  const content: EventContent = { input: [], output: [] }
  for (const event of events) {
    const a = event.attributes
    if (event.name === DETAILS_EVENT) {
      content.input.push(...(fromPartsMessages(parsed(a.get('gen_ai.input.messages'))) ?? []))
      content.output.push(...(fromPartsMessages(parsed(a.get('gen_ai.output.messages'))) ?? []))
      content.system ??= parsed(a.get('gen_ai.system_instructions')) ?? undefined
    } else if (CONTENT_EVENTS.has(event.name)) {
      const isPrompt = event.name === 'gen_ai.content.prompt'
      const value = parsed(a.get(isPrompt ? 'gen_ai.prompt' : 'gen_ai.completion'))
      const messages = Array.isArray(value)
        ? (fromPartsMessages(value) ?? [])
        : value === undefined || value === null
          ? []
          : [{ role: isPrompt ? 'user' : 'assistant', content: value }]
      ;(isPrompt ? content.input : content.output).push(...messages)
    } else {
      const message = messageOfEvent(
        event.name,
        a.get('gen_ai.event.content') ?? a.get('content') ?? a.get('body'),
      )
      if (message) (event.name === 'gen_ai.choice' ? content.output : content.input).push(message)
    }
  }
  return content
}
