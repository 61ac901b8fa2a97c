import { ApiError } from '../api/client'

/** Field messages of a failed request, keyed by the API's paths (`rule_config.max_actions`). */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors() : {}
}

/**
 * A failed request split into its field messages and what is left for a general error box: an
 * error with field messages is shown at the fields, any other error as a whole.
 */
export function errorsOf(error: unknown): { fields: Record<string, string>; other: unknown } {
  const fields = fieldErrorsOf(error)
  return { fields, other: Object.keys(fields).length > 0 ? undefined : error }
}

/** Whether `key` is `path` itself or a path under it (`events.2` is under `events`). */
function isUnder(key: string, path: string): boolean {
  return key === path || key.startsWith(`${path}.`)
}

/**
 * The message for a field: its own path, or the first of its children (`rule_config.patterns.1`
 * belongs to the patterns field), so a nested complaint still lands beside the input that caused it.
 */
export function errorAt(errors: Record<string, string>, path: string): string | undefined {
  if (errors[path] !== undefined) return errors[path]
  const child = Object.keys(errors).find((k) => k.startsWith(`${path}.`))
  if (child === undefined) return undefined
  const rest = child.slice(path.length + 1)
  return /^\d+$/.test(rest.split('.')[0] ?? '')
    ? `item ${Number(rest.split('.')[0]) + 1}: ${errors[child]}`
    : errors[child]
}

/** Messages for paths no input shows (e.g. `''`, an unknown field), so none is lost. */
export function leftoverMessages(fields: Record<string, string>, shown: readonly string[]) {
  return Object.entries(fields)
    .filter(([k]) => !shown.some((s) => isUnder(k, s)))
    .map(([k, m]) => (k ? `${k}: ${m}` : m))
}

/**
 * Whether an error is fully shown at fields: then the form needs no general error box. `shown`
 * lists the paths the form has inputs for.
 */
export function allAtFields(error: unknown, shown: readonly string[]): boolean {
  const keys = Object.keys(fieldErrorsOf(error))
  return keys.length > 0 && keys.every((k) => shown.some((path) => isUnder(k, path)))
}

/** `"a, b ,c"` → `["a", "b", "c"]`; empty entries dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
}

/** A number input's value as a number, or undefined when empty (so the API says what is missing). */
export function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === '') return undefined
  const n = Number(text)
  return Number.isNaN(n) ? undefined : n
}
