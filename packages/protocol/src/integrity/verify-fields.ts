import { jcs } from './jcs.js'

type Json = Record<string, unknown>

const isCommit = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as Json).$commit === 'string'

/** The fields of a committed event that differ from another, metadata keys as `metadata.<key>`. */
function differing(expected: Json, listed: Json): { field: string; committed: boolean }[] {
  const out: { field: string; committed: boolean }[] = []
  const compare = (field: string, a: unknown, b: unknown) => {
    if (same(a, b)) return
    out.push({ field, committed: isCommit(a) || isCommit(b) })
  }
  for (const key of new Set([...Object.keys(expected), ...Object.keys(listed)])) {
    const a = expected[key]
    const b = listed[key]
    if (key === 'metadata' && isObject(a) && isObject(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
        compare(`metadata.${k}`, a[k], b[k])
    } else compare(key, a, b)
  }
  return out
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b
  try {
    return jcs(a) === jcs(b)
  } catch {
    return false
  }
}

/**
 * Says what changed between the committed form recomputed from an export's event and salt and
 * the committed form in the leaf the log signed: the fields by name ("field input was edited"),
 * or the salt when every commitment differs and every clear field agrees.
 */
export function describeEdit(expected: Json, listed: Json): string {
  const diffs = differing(expected, listed)
  if (diffs.length === 0) return 'its content changed'
  const commits = Object.entries(listed).flatMap(([k, v]) =>
    k === 'metadata' && isObject(v) ? Object.values(v).filter(isCommit) : isCommit(v) ? [v] : [],
  ).length
  if (diffs.every((d) => d.committed) && commits > 1 && diffs.length >= commits)
    return 'its salt does not open its commitments (the opening was replaced)'
  const names = diffs.map((d) => d.field)
  return names.length === 1
    ? `field ${names[0]} was edited`
    : `fields ${names.join(', ')} were edited`
}

/** The fields a leaf's committed event holds only as commitments (`input`, `metadata.email`). */
export function committedFields(event: Json): string[] {
  const out: string[] = []
  for (const [key, value] of Object.entries(event)) {
    if (isCommit(value)) out.push(key)
    else if (key === 'metadata' && isObject(value))
      for (const [k, v] of Object.entries(value)) if (isCommit(v)) out.push(`metadata.${k}`)
  }
  return out
}
