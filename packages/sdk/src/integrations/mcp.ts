import { instrumentTool } from './mcp/instrument-tool.js'
import { trackToolCall } from './mcp/track-tool-call.js'
import type { ToolCallSpec } from './mcp/track-tool-call.js'
import type { TrailEvent } from '../trail-event.js'
import type { TrackingClient } from './support/trail-sink.js'

export interface MCPWrapConfig {
  /** The agent every tool call is recorded under. */
  agent: string
  /** Tool name → `{ service, action? }`. Default: the tool's name as the service, `invoke` as the action. */
  serviceMap?: Record<string, { service: string; action?: string }>
  /** Ask the server before each call (AgentLedger's `track()`): a paused agent's tools answer with an error. Default true. */
  check?: boolean
  /** Record the arguments and the result. Default true. */
  captureContent?: boolean
  /** More native fields for every event (`user`, `tags`, `trace_id`, `metadata`...). */
  event?: TrailEvent
}

/**
 * What `wrapMCPServer` needs of an `@modelcontextprotocol/sdk` McpServer (nothing is imported from
 * the SDK): its registration methods. The tools registered so far are read from its registry.
 */
export interface MCPServerLike {
  tool?: (...args: any[]) => unknown
  registerTool?: (...args: any[]) => unknown
}

const WRAPPED = Symbol.for('agenttrail.mcp.server')

/**
 * Records every tool call of an McpServer (kind `tool_call`, through `track()`): the tools
 * registered before this call and those registered after it, through `tool()` or `registerTool()`,
 * including handlers replaced later with `update({ callback })`. Returns the same server. Calling it
 * again on the same server changes nothing.
 *
 * ```ts
 * wrapMCPServer(trail, server, { agent: 'my-mcp-server', serviceMap: { send_email: { service: 'sendgrid' } } })
 * ```
 */
export function wrapMCPServer<S extends MCPServerLike>(
  client: TrackingClient,
  server: S,
  config: MCPWrapConfig,
): S {
  const target = server as S & Record<PropertyKey, unknown>
  if (target[WRAPPED]) return server
  Object.defineProperty(target, WRAPPED, { value: true })

  const record = (name: string, hasArgs: boolean, handlerArgs: unknown[], call: () => unknown) => {
    const mapped = config.serviceMap?.[name]
    const spec: ToolCallSpec = {
      ...config,
      service: mapped?.service || name,
      action: mapped?.action || 'invoke',
      toolName: name,
    }
    return trackToolCall(client, spec, handlerArgs, hasArgs, call)
  }
  // McpServer's registry of tools, name → RegisteredTool (a private field: no public API lists them).
  const registry = () => target._registeredTools as Record<string, unknown> | undefined

  for (const [name, registered] of Object.entries(registry() ?? {}))
    instrumentTool(registered, name, record)
  for (const method of ['tool', 'registerTool'] as const) {
    const original = target[method]
    if (typeof original !== 'function') continue
    target[method] = function (this: unknown, name: string, ...rest: unknown[]) {
      const registered = original.call(this, name, ...rest)
      // SDKs that return nothing from tool() still keep the tool in their registry.
      instrumentTool(registered ?? registry()?.[name], name, record)
      return registered
    }
  }
  return server
}

export interface MCPToolOptions {
  agent: string
  service: string
  action: string
  check?: boolean
  captureContent?: boolean
  event?: TrailEvent
}

/**
 * Wraps one tool handler so its calls are recorded (kind `tool_call`, through `track()`). The
 * wrapper passes every argument on (the tool's arguments and MCP's `extra`) and returns the
 * handler's own result.
 *
 * ```ts
 * server.tool('send_email', schema, wrapMCPTool(trail, { agent: 'mail', service: 'sendgrid', action: 'send' }, handler))
 * ```
 */
export function wrapMCPTool<A extends unknown[], R>(
  client: TrackingClient,
  options: MCPToolOptions,
  handler: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<Awaited<R>> {
  return function (this: unknown, ...args: A) {
    return trackToolCall(client, options, args, undefined, () =>
      handler.apply(this, args),
    ) as Promise<Awaited<R>>
  }
}
