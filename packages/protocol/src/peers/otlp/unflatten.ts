import { setOwn } from './otlp-value.js'

/** Indexes past this are not rebuilt: no real prompt has more messages, and a hostile key costs nothing. */
const MAX_INDEX = 10_000

type Node = Map<string, unknown>

/**
 * Flattened attributes (`0.message.role`, `0.message.tool_calls.1.tool_call.id`, as OpenInference and
 * the older Traceloop convention send messages) rebuilt into nested values: a level whose keys are
 * all indexes becomes an array in index order (gaps closed up), any other level an object. Built on
 * maps, so a key such as `__proto__` is only a key.
 */
export function unflatten(entries: ReadonlyMap<string, unknown>): unknown {
  const root: Node = new Map()
  for (const [key, value] of entries) {
    const path = key.split('.')
    if (path.some((s) => /^\d+$/.test(s) && Number(s) > MAX_INDEX)) continue
    let node = root
    for (const segment of path.slice(0, -1)) {
      let next = node.get(segment)
      if (!(next instanceof Map)) node.set(segment, (next = new Map()))
      node = next as Node
    }
    node.set(path[path.length - 1] as string, value)
  }
  return plain(root)
}

function plain(value: unknown): unknown {
  if (!(value instanceof Map)) return value
  const keys = [...value.keys()] as string[]
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k)))
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => plain(value.get(k)))
  const out: Record<string, unknown> = {}
  for (const k of keys) setOwn(out, k, plain(value.get(k)))
  return out
}
