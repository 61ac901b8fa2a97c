import { createHash } from 'node:crypto'
import { normalizeEvent } from '@agenttrail/protocol'
import type { FieldIssue, NewEvent } from '@agenttrail/protocol'
import type { OrgSettings } from '../orgs/org-settings.js'
import type { IngestContext } from './ingest-types.js'
import { createRedactor } from './redact.js'
import type { Redactor } from './redact.js'

/** An event that passed validation, at its index in the request. */
export interface ValidEvent {
  index: number
  event: NewEvent
}

/**
 * The first stage: every event of a request redacted with the org's settings, then validated and
 * normalized (`normalizeEvent`). `single`: the request sent one event, so field paths carry no
 * `events.<index>.` prefix. Every client surface comes through here, so this is where an event of
 * kind `audit` is refused: audit events are the server's own record (its tombstones and control
 * records are appended past this stage), and one a client could send would forge them.
 */
export function normalizeAll(
  raws: readonly unknown[],
  ctx: Pick<IngestContext, 'ipAddress' | 'idempotencyKey'>,
  settings: OrgSettings,
  now: number,
  single: boolean,
): { valid: ValidEvent[]; errors: Array<{ index: number; details: FieldIssue[] }> } {
  const redactor = redactorFor(settings)
  const valid: ValidEvent[] = []
  const errors: Array<{ index: number; details: FieldIssue[] }> = []
  raws.forEach((original, index) => {
    const result = normalizeEvent(withRedactions(redactor, original), {
      now,
      ipAddress: ctx.ipAddress,
      idempotencyKey: ctx.idempotencyKey ?? null,
      path: single ? undefined : `events.${index}`,
    })
    const audit = result.ok ? result.event.kind === 'audit' : kindOf(original) === 'audit'
    if (result.ok && !audit) {
      valid.push({ index, event: result.event })
      return
    }
    const path = single ? 'kind' : `events.${index}.kind`
    const issues = result.ok ? [] : result.issues
    if (audit && !issues.some((issue) => issue.path === path))
      issues.push({ path, message: AUDIT_REFUSED })
    errors.push({ index, details: issues })
  })
  return { valid, errors }
}

const AUDIT_REFUSED =
  'kind "audit" is refused: audit events are the server\'s own record of what it did, clients cannot send them'

/** The `kind` a client sent, before normalization. */
function kindOf(raw: unknown): unknown {
  return raw !== null && typeof raw === 'object' ? (raw as { kind?: unknown }).kind : undefined
}

// Compiled once per settings document: the settings cache hands out the same object until it changes.
const redactors = new WeakMap<OrgSettings['redaction'], Redactor>()
function redactorFor(settings: OrgSettings): Redactor {
  let r = redactors.get(settings.redaction)
  if (!r) redactors.set(settings.redaction, (r = createRedactor(settings.redaction)))
  return r
}

/**
 * Redacts an event as a client sent it, noting how many values were replaced in
 * `metadata.redactions`. A system prompt that loses a secret is stored under the hash of its
 * redacted text: the client's hash (of the original) is checked against the original and dropped.
 */
function withRedactions(redactor: Redactor, raw: unknown): unknown {
  const { value, count } = redactor.redact(raw)
  if (count === 0 || value === null || typeof value !== 'object' || Array.isArray(value))
    return value
  const event = { ...(value as Record<string, unknown>) }
  const original = raw as Record<string, unknown>
  if (
    typeof original.system_prompt === 'string' &&
    event.system_prompt !== original.system_prompt &&
    typeof original.system_prompt_sha256 === 'string'
  ) {
    const sent = createHash('sha256').update(original.system_prompt).digest('hex')
    // A mismatch stays for the normalizer to report; a match is replaced by the redacted text's hash.
    if (sent === original.system_prompt_sha256) delete event.system_prompt_sha256
  }
  const metadata = event.metadata
  if (
    metadata !== undefined &&
    (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
  )
    return event
  return {
    ...event,
    metadata: { ...(metadata as Record<string, unknown> | undefined), redactions: count },
  }
}
