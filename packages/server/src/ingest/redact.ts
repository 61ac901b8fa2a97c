import type { OrgSettings } from '../orgs/org-settings.js'
import {
  ASSIGNMENT,
  AUTH_SCHEME,
  KEY_FORMATS,
  KEY_FORMAT_HINT,
  URL_PASSWORD,
  isHighEntropyAssignment,
  isSecretName,
} from './secret-patterns.js'

/** What a redacted value becomes. */
export const REDACTED = '[REDACTED]'

export interface Redactor {
  /** A copy of `value` with secrets replaced, and how many were replaced. `value` is not changed. */
  redact(value: unknown): { value: unknown; count: number }
}

/**
 * Secret redaction, run on every event before it is validated and written, whichever surface it
 * came through: values of fields named like credentials, high-entropy values assigned in text,
 * and published key formats anywhere in a string.
 */
export function createRedactor(settings: OrgSettings['redaction']): Redactor {
  const extra = new Set(settings.field_names.map((n) => n.toLowerCase()))
  const allowed = new Set(settings.allow_field_names.map((n) => n.toLowerCase()))
  // Field names repeat from event to event: remember the verdict (bounded, so hostile names cannot grow it).
  const verdicts = new Map<string, boolean>()
  const secretName = (name: string): boolean => {
    let verdict = verdicts.get(name)
    if (verdict === undefined) {
      const lower = name.toLowerCase()
      verdict = !allowed.has(lower) && (extra.has(lower) || isSecretName(name))
      if (verdicts.size < 10_000) verdicts.set(name, verdict)
    }
    return verdict
  }

  function redactString(text: string, counter: { n: number }): string {
    if (text.length < 8) return text
    let out = text
    if (KEY_FORMAT_HINT.test(out))
      for (const format of KEY_FORMATS) out = out.replace(format, () => (counter.n++, REDACTED))
    if (/bearer|basic/i.test(out))
      out = out.replace(AUTH_SCHEME, (_, scheme: string) => (counter.n++, `${scheme} ${REDACTED}`))
    if (out.includes('://'))
      out = out.replace(URL_PASSWORD, (_, head: string) => (counter.n++, `${head}${REDACTED}@`))
    if (!out.includes('=') && !out.includes(':')) return out
    out = out.replace(
      ASSIGNMENT,
      (whole: string, name: string, q1: string, q2: string, value: string) => {
        // Already redacted, or the scheme word of an `Authorization: Bearer [REDACTED]` header.
        if (value.startsWith('[REDACTED') || /^(bearer|basic)$/i.test(value)) return whole
        if (!secretName(name) && !isHighEntropyAssignment(name, value)) return whole
        counter.n++
        return `${name}${q1}${whole.slice(name.length + q1.length, whole.length - q2.length - value.length)}${q2}${REDACTED}`
      },
    )
    return out
  }

  /** Returns `value` itself when nothing in it changed, so clean events cost no copies. */
  function walk(value: unknown, counter: { n: number }, depth: number): unknown {
    if (typeof value === 'string') return redactString(value, counter)
    if (value === null || typeof value !== 'object') return value
    // Deeper than any real payload: not walked, so not kept either.
    if (depth > 64) {
      counter.n++
      return REDACTED
    }
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined
      value.forEach((v, i) => {
        const w = walk(v, counter, depth + 1)
        if (w !== v) (copy ??= [...value])[i] = w
      })
      return copy ?? value
    }
    const obj = value as Record<string, unknown>
    let copy: Record<string, unknown> | undefined
    for (const k in obj) {
      const v = obj[k]
      let w: unknown
      if (secretName(k) && v !== null && v !== undefined && v !== '' && typeof v !== 'boolean') {
        if (v !== REDACTED) counter.n++
        w = REDACTED
      } else w = walk(v, counter, depth + 1)
      if (w !== v) (copy ??= { ...obj })[k] = w
    }
    return copy ?? value
  }

  return {
    redact(value) {
      if (!settings.enabled) return { value, count: 0 }
      const counter = { n: 0 }
      const result = walk(value, counter, 0)
      return { value: result, count: counter.n }
    },
  }
}
