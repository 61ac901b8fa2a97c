/**
 * Makes one of McpServer's registered tools record its calls. McpServer keeps each tool as a
 * `RegisteredTool` object and reads its handler from it on every call (`handler`; `callback` in
 * older SDKs), so the handler property becomes an accessor that hands out the recording wrapper. That
 * covers the handler set at registration and any later `tool.update({ callback })`; `update({ name })`
 * renames what is recorded. Task tools (`registerToolTask`, a `createTask` object) are left alone.
 */

type Obj = Record<PropertyKey, unknown>
type Handler = (...args: unknown[]) => unknown
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object'

const INSTRUMENTED = Symbol.for('agenttrail.mcp.instrumented')

/** Calls the tool's handler, recording it under `name`; `hasArgs` is true when the tool has an input schema. */
export type ToolCallRecorder = (
  name: string,
  hasArgs: boolean,
  handlerArgs: unknown[],
  call: () => unknown,
) => Promise<unknown>

export function instrumentTool(registered: unknown, name: string, record: ToolCallRecorder): void {
  if (!isObject(registered) || registered[INSTRUMENTED]) return
  const field =
    typeof registered.handler === 'function'
      ? 'handler'
      : typeof registered.callback === 'function'
        ? 'callback'
        : undefined
  if (field === undefined) return
  let toolName = name

  const wrap = (handler: unknown): unknown => {
    if (typeof handler !== 'function') return handler
    return function recorded(this: unknown, ...handlerArgs: unknown[]) {
      return record(toolName, registered.inputSchema !== undefined, handlerArgs, () =>
        (handler as Handler).apply(this, handlerArgs),
      )
    }
  }

  let current = wrap(registered[field])
  Object.defineProperty(registered, field, {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (handler: unknown) => {
      current = wrap(handler)
    },
  })
  const update = registered.update
  if (typeof update === 'function') {
    registered.update = function (this: unknown, updates: unknown) {
      if (isObject(updates) && typeof updates.name === 'string') toolName = updates.name
      return (update as Handler).call(this, updates)
    }
  }
  Object.defineProperty(registered, INSTRUMENTED, { value: true })
}
