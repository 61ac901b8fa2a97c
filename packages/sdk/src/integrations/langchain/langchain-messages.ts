/**
 * LangChain messages (`BaseMessage`, read duck-typed: nothing is imported from @langchain/core) as
 * the `{ role, content }` messages an AgentTrail event carries, with the system prompt apart.
 */

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object'

/** LangChain's message types, spelled as the providers' roles. */
const ROLES: Record<string, string> = {
  human: 'user',
  ai: 'assistant',
  system: 'system',
  tool: 'tool',
  function: 'function',
}

export interface TrailMessage {
  role: string
  content: unknown
  name?: string
  tool_calls?: unknown
  tool_call_id?: string
}

/** `human` / `ai` / ... from any LangChain version: `getType()` (0.2, 0.3), `type` (1.x), `_getType()` (older). */
function typeOf(message: Obj): string | undefined {
  for (const method of ['getType', '_getType'] as const) {
    const fn = message[method]
    if (typeof fn === 'function') {
      const type: unknown = fn.call(message)
      if (typeof type === 'string') return type
    }
  }
  return typeof message.type === 'string' ? message.type : undefined
}

export function roleOf(message: unknown): string {
  if (!isObject(message)) return 'user'
  const type = typeOf(message)
  if (type === 'generic' || type === undefined)
    return typeof message.role === 'string' ? message.role : 'user'
  return ROLES[type] ?? type
}

export function toTrailMessage(message: unknown): TrailMessage {
  if (!isObject(message)) return { role: 'user', content: message }
  const out: TrailMessage = { role: roleOf(message), content: message.content }
  if (typeof message.name === 'string' && message.name) out.name = message.name
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)
    out.tool_calls = message.tool_calls
  if (typeof message.tool_call_id === 'string') out.tool_call_id = message.tool_call_id
  return out
}

/** The text of a message content: the string, or the text blocks of a content array joined. */
export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return undefined
  const texts = content
    .filter((b): b is Obj => isObject(b) && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
  return texts.length > 0 ? texts.join('\n') : undefined
}

/** The thinking blocks of a content array (Anthropic `thinking`, LangChain v1 `reasoning`), joined. */
export function thinkingOf(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined
  const parts: string[] = []
  for (const block of content) {
    if (!isObject(block)) continue
    if (block.type === 'thinking' && typeof block.thinking === 'string') parts.push(block.thinking)
    else if (block.type === 'reasoning' && typeof block.reasoning === 'string')
      parts.push(block.reasoning)
  }
  return parts.length > 0 ? parts.join('\n') : undefined
}

/**
 * The prompt of a chat model call: its system messages' text as `system_prompt` (stored once per org
 * by hash) and the other messages in order.
 */
export function splitPrompt(messages: readonly unknown[]): {
  systemPrompt?: string
  messages: TrailMessage[]
} {
  const system: string[] = []
  const rest: TrailMessage[] = []
  for (const message of messages) {
    const mapped = toTrailMessage(message)
    const text = mapped.role === 'system' ? contentText(mapped.content) : undefined
    if (text !== undefined) system.push(text)
    else rest.push(mapped)
  }
  return system.length > 0
    ? { systemPrompt: system.join('\n\n'), messages: rest }
    : { messages: rest }
}
