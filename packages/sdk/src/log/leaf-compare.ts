// Is the event the server shows the one its leaf committed? The clear fields must be equal; a
// personal field is a salted commitment in the leaf, which only its opening can check.

const isCommitment = (v: unknown) =>
  typeof v === 'object' && v !== null && typeof (v as { $commit?: unknown }).$commit === 'string'

/**
 * The fields of the committed event whose value the shown event does not have. A personal field
 * enters the leaf as a salted commitment (`{"$commit": ...}`), which only its opening (in the
 * verifiable export) can check: here it must merely be present. Metadata keys are clear, their
 * values committed. Fields the shown event has beyond the leaf (its evaluations) are not compared.
 */
export function differingFields(
  committed: Record<string, unknown>,
  shown: Record<string, unknown>,
): string[] {
  const differ: string[] = []
  for (const [field, value] of Object.entries(committed)) {
    const other = shown[field]
    if (isCommitment(value)) {
      if (other === null || other === undefined) differ.push(field)
    } else if (field === 'metadata' && isPlainObject(value) && isPlainObject(other)) {
      const keys = Object.keys(value)
      const same =
        keys.length === Object.keys(other).length &&
        keys.every(
          (key) =>
            Object.hasOwn(other, key) &&
            (isCommitment(value[key]) || sameJson(value[key], other[key])),
        )
      if (!same) differ.push(field)
    } else if (!sameJson(value, other)) differ.push(field)
  }
  return differ
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Equal as JSON values (object keys in any order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]))
  if (!isPlainObject(a) || !isPlainObject(b)) return false
  const keys = Object.keys(a)
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
  )
}
