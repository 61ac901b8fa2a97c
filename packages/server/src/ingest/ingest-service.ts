import { createHash } from 'node:crypto'
import { normalizeEvent } from '@agenttrail/protocol'
import type { AppendReceipt, FieldIssue, NewEvent } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { SettingsCache } from '../orgs/settings-cache.js'
import type { OrgSettings } from '../orgs/org-settings.js'
import type { AppendOutcome, IdempotencyClaim, IdempotencyStore } from '../store/store.js'
import type { GroupCommitter } from './group-committer.js'
import type { IngestContext, IngestGate, PlanQuota } from './gates.js'
import { createRedactor } from './redact.js'
import type { Redactor } from './redact.js'

export interface IngestReceipt extends AppendReceipt {
  duplicate: boolean
  /** The event as normalized and redacted from this request (for a duplicate id, the stored one wins). */
  event: NewEvent
}

export interface BatchResult {
  accepted: Array<{ index: number } & IngestReceipt>
  errors: Array<{ index: number; details: FieldIssue[] }>
  /** True when the `Idempotency-Key` was seen before with this body. */
  replayed: boolean
}

export interface IngestDeps {
  committer: GroupCommitter
  idempotency: IdempotencyStore
  idempotencyTtlMs: number
  settings: SettingsCache
  /** Run in order on every request's valid events. */
  gates?: IngestGate[]
  /** The plan's monthly limit, counted before the append (plan-gate.ts). */
  quota?: PlanQuota
}

/**
 * The one ingest pipeline every surface feeds: redact secrets, validate and normalize, answer a
 * replay of an `Idempotency-Key` with the first request's ids, otherwise apply the org's gates and
 * claim the key, then append through the group committer. Rules that
 * apply to every surface go here, never in the routes.
 */
export function createIngestService(deps: IngestDeps) {
  const { committer, idempotency, idempotencyTtlMs, settings, gates = [], quota } = deps
  const redactors = new WeakMap<OrgSettings['redaction'], Redactor>()
  const redactorFor = (s: OrgSettings): Redactor => {
    let r = redactors.get(s.redaction)
    if (!r) redactors.set(s.redaction, (r = createRedactor(s.redaction)))
    return r
  }

  /** The claim of `key` by a twin request, waited for up to about 50 ms. */
  async function twinClaim(orgId: string, key: string, hash: string, now: number) {
    for (let attempt = 0; attempt < 6; attempt++) {
      const found = await idempotency.lookup(orgId, key, hash, now, idempotencyTtlMs)
      if (found !== undefined) return found
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return undefined
  }

  async function ingest(
    raws: readonly unknown[],
    ctx: IngestContext,
    single: boolean,
  ): Promise<BatchResult> {
    const now = Date.now()
    const orgSettings = await settings.get(ctx.orgId)
    const redactor = redactorFor(orgSettings)
    const events: Array<{ index: number; event: NewEvent }> = []
    const errors: BatchResult['errors'] = []
    raws.forEach((original, index) => {
      const raw = withRedactions(redactor, original)
      const result = normalizeEvent(raw, {
        now,
        ipAddress: ctx.ipAddress,
        idempotencyKey: ctx.idempotencyKey ?? null,
        path: single ? undefined : `events.${index}`,
      })
      if (result.ok) events.push({ index, event: result.event })
      else errors.push({ index, details: result.issues })
    })
    // An invalid single event never claims the key, so the corrected retry can use it.
    if (single && errors.length > 0) return { accepted: [], errors, replayed: false }
    const key = ctx.idempotencyKey
    const hash =
      key === undefined
        ? ''
        : createHash('sha256')
            .update(ctx.rawBody ?? JSON.stringify(raws))
            .digest('hex')
    const useIds = (claim: IdempotencyClaim): boolean => {
      if (claim.state === 'mismatch')
        throw new AppError(
          'idempotency_key_reused',
          'this Idempotency-Key was already used with a different request body; use a new key for a new request',
        )
      // The first request's ids: appending them again finds the stored events and changes nothing.
      for (const item of events) item.event.id = claim.ids[item.index] ?? item.event.id
      return claim.state === 'replay'
    }
    // A replay was admitted the first time: it answers the first answer without meeting the gates
    // again (a plan limit reached since then, or a requests-per-minute token); if that first
    // append failed, the replay appends what was admitted then. Only a request the gates let
    // through claims the key, so one they refuse can be retried under the same key.
    const earlier =
      key === undefined
        ? undefined
        : await idempotency.lookup(ctx.orgId, key, hash, now, idempotencyTtlMs)
    let replayed = earlier !== undefined && useIds(earlier)
    // The month in which the plan's limit counted this request's events (none for a replay).
    let reserved: string | undefined
    let outcomes: AppendOutcome[]
    try {
      if (!replayed && events.length > 0) {
        for (const gate of gates)
          await gate(
            events.map((e) => e.event),
            ctx,
            orgSettings,
            'ingest',
          )
        try {
          reserved = await quota?.reserve(ctx.orgId, orgSettings, events.length)
        } catch (error) {
          // A twin under the same key that took the last place answers this request too: it claims
          // the key right after counting, so look for its claim for a moment before refusing.
          const twin = key === undefined ? undefined : await twinClaim(ctx.orgId, key, hash, now)
          if (twin === undefined) throw error
          replayed = useIds(twin)
        }
      }
      // Only a request counted (or without a limit) claims its key, so a refused one can retry under it.
      if (!replayed && key !== undefined) {
        const proposed = raws.map(() => '')
        for (const { index, event } of events) proposed[index] = event.id
        // Still `replay` when a twin of this request claimed the key since the lookup: the twin counts it.
        replayed = useIds(
          await idempotency.claim(ctx.orgId, key, hash, proposed, now, idempotencyTtlMs),
        )
      }
      const month = replayed ? undefined : reserved
      if (replayed && reserved !== undefined && quota) {
        await quota.release(ctx.orgId, reserved, events.length)
        reserved = undefined
      }
      outcomes = await committer.append(
        events.map(({ event }) => ({
          orgId: ctx.orgId,
          event,
          ...(month !== undefined && { reservedMonth: month }),
        })),
      )
    } catch (error) {
      // Not appended: the places counted for it go back.
      if (reserved !== undefined && quota)
        await quota.release(ctx.orgId, reserved, events.length).catch(() => undefined)
      throw error
    }
    return {
      accepted: outcomes.map((outcome, i) => {
        const { index, event } = events[i] as { index: number; event: NewEvent }
        return { index, ...outcome, event }
      }),
      errors,
      replayed,
    }
  }

  return {
    /**
     * One event redacted and normalized as ingest would store it, without storing it: the control
     * plane's checks describe the action they decide about this way. Throws `validation_failed`.
     */
    async prepare(
      raw: unknown,
      ctx: Pick<IngestContext, 'orgId' | 'ipAddress'>,
    ): Promise<NewEvent> {
      const redactor = redactorFor(await settings.get(ctx.orgId))
      const result = normalizeEvent(withRedactions(redactor, raw), {
        now: Date.now(),
        ipAddress: ctx.ipAddress,
        idempotencyKey: null,
      })
      if (!result.ok)
        throw new AppError('validation_failed', describe(result.issues), result.issues)
      return result.event
    },
    /**
     * Applies the org's gates to a check of `event`: the agent must be registered where the org
     * requires it, and the check draws on the plan's requests per minute (AgentWarden: `/sdk/log`
     * "shares the same rate limits as `/sdk/check`"). Throws the gate's AppError.
     */
    async admitCheck(event: NewEvent, ctx: IngestContext): Promise<void> {
      const orgSettings = await settings.get(ctx.orgId)
      for (const gate of gates) await gate([event], ctx, orgSettings, 'check')
    },
    /** One event; throws `validation_failed` naming every field problem. */
    async one(raw: unknown, ctx: IngestContext): Promise<IngestReceipt & { replayed: boolean }> {
      const result = await ingest([raw], ctx, true)
      const receipt = result.accepted[0]
      if (!receipt) {
        const issues = result.errors[0]?.details ?? []
        throw new AppError('validation_failed', describe(issues), issues)
      }
      return { ...receipt, replayed: result.replayed }
    },
    /** Up to the batch limit; valid events are appended together, invalid ones reported by index. */
    batch: (raws: readonly unknown[], ctx: IngestContext) => ingest(raws, ctx, false),
  }
}

export type IngestService = ReturnType<typeof createIngestService>

/** "tokens_input: must not be negative" for one problem, a count for several. */
export function describe(issues: readonly FieldIssue[]): string {
  const first = issues[0]
  if (!first) return 'the event is not valid'
  const lead = first.path ? `${first.path}: ${first.message}` : first.message
  return issues.length === 1
    ? lead
    : `${lead} (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''}; see details)`
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
