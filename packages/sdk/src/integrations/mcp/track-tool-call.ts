import type { TrailEvent } from '../../trail-event.js'
import type { TrackingClient } from '../support/trail-sink.js'

/** How one MCP tool call is recorded. */
export interface ToolCallSpec {
  agent: string
  service: string
  action: string
  /** The tool's name as the MCP client calls it. */
  toolName?: string
  /** Ask the server first, as AgentLedger's `track()` does (a refusal becomes the tool's error). Default true. */
  check?: boolean
  /** Record the arguments and the result. Default true. */
  captureContent?: boolean
  event?: TrailEvent
}

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object'

/** The MCP SDK's `RequestHandlerExtra`: what a handler gets after its arguments (or alone, without an input schema). */
const isExtra = (v: unknown): v is Obj => isObject(v) && 'signal' in v && 'requestId' in v

/**
 * Runs one tool call through `track()` (kind `tool_call`): check, call, record. A handler that
 * answers `isError: true` (MCP's way of failing a tool without throwing) is recorded as an error.
 * The handler gets every argument it was called with, `extra` included, and its own result or
 * error comes back unchanged. `hasArgs` says whether the first argument is the tool's arguments
 * (McpServer passes them only to tools with an input schema); undefined means: judge by its shape.
 */
export async function trackToolCall(
  client: TrackingClient,
  spec: ToolCallSpec,
  handlerArgs: unknown[],
  hasArgs: boolean | undefined,
  call: () => unknown,
): Promise<unknown> {
  const first = handlerArgs[0]
  const argsGiven = hasArgs ?? !(handlerArgs.length === 1 && isExtra(first))
  const args = argsGiven ? first : undefined
  const extra = argsGiven ? handlerArgs[1] : first
  const capture = spec.captureContent !== false
  const { metadata, ...event } = spec.event ?? {}
  const { result } = await client.track(
    {
      agent: spec.agent,
      service: spec.service,
      action: spec.action,
      metadata: {
        ...metadata,
        source: 'mcp',
        ...(spec.toolName ? { toolName: spec.toolName } : {}),
        ...requestOf(extra),
      },
      input: capture ? args : undefined,
      captureOutput: capture,
      check: spec.check,
      event: { ...event, kind: 'tool_call' },
      enrich: ({ result }) =>
        isObject(result) && result.isError === true
          ? { status: 'error', error: { message: textOf(result.content) } }
          : undefined,
    },
    call,
  )
  return result
}

/** Which request and session the call came in on, and the client's id when the transport authenticated it. */
function requestOf(extra: unknown): Obj {
  if (!isExtra(extra)) return {}
  const out: Obj = { requestId: extra.requestId }
  if (typeof extra.sessionId === 'string') out.sessionId = extra.sessionId
  const auth = extra.authInfo
  if (isObject(auth) && typeof auth.clientId === 'string') out.clientId = auth.clientId
  return out
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return 'Tool returned isError'
  const texts = content
    .filter((b): b is Obj => isObject(b) && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
  return texts.length > 0 ? texts.join('\n') : 'Tool returned isError'
}
