/**
 * Reading LangChain's tool and chain runs, duck-typed. `handleToolStart` gets the tool's
 * `toJSON()` (for `tool()` and `DynamicStructuredTool` only `{ id: [..., 'DynamicStructuredTool'] }`),
 * the input as a string, and the run name, which is the tool's name: that is where the name is.
 */

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object'
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined

/** Class names that say nothing about which tool ran. */
const GENERIC_CLASSES = new Set([
  'DynamicTool',
  'DynamicStructuredTool',
  'StructuredTool',
  'Tool',
  'RunnableLambda',
  'RunnableSequence',
])

/** `runName`, else the serialized `name` (LangChain 0.1), else `kwargs.name`, else a non-generic class name. */
export function runNameOf(serialized: unknown, runName: string | undefined): string | undefined {
  const s = isObject(serialized) ? serialized : {}
  const id = Array.isArray(s.id) ? s.id : []
  const className = str(id[id.length - 1])
  return (
    str(runName) ??
    str(s.name) ??
    (isObject(s.kwargs) ? str(s.kwargs.name) : undefined) ??
    (className && !GENERIC_CLASSES.has(className) ? className : undefined)
  )
}

export function toolNameOf(serialized: unknown, runName: string | undefined): string {
  return runNameOf(serialized, runName) ?? 'unknown_tool'
}

/** LangChain hands the arguments over as JSON text; an object reads better in the audit trail. */
export function toolInput(input: unknown): unknown {
  if (typeof input !== 'string') return input
  const text = input.trim()
  if (!text.startsWith('{') && !text.startsWith('[')) return input
  try {
    return JSON.parse(text) as unknown
  } catch {
    return input
  }
}

/**
 * A tool's result: its content when it is a `ToolMessage` (a tool called with a tool call returns
 * one; `status: 'error'` is how it says it failed), else the value as returned.
 */
export function toolOutput(output: unknown): { output: unknown; failed: boolean } {
  if (isObject(output) && 'tool_call_id' in output && 'content' in output) {
    return { output: output.content, failed: output.status === 'error' }
  }
  return { output, failed: false }
}
