import type { FieldIssue, NewEvent } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { SettingsCache } from '../orgs/settings-cache.js'
import type { IdempotencyStore } from '../store/store.js'
import type { GroupCommitter } from './group-committer.js'
import { admit, append, claimKey, giveBack, keyOf, replayOf } from './ingest-stages.js'
import type { IngestRequest, StageDeps } from './ingest-stages.js'
import type {
  BatchResult,
  BeforeAppend,
  IngestContext,
  IngestGate,
  IngestReceipt,
} from './ingest-types.js'
import { normalizeAll } from './normalize-all.js'
import type { PlanQuota } from './ingest-types.js'

export type {
  BatchResult,
  BeforeAppend,
  IngestContext,
  IngestGate,
  IngestReceipt,
} from './ingest-types.js'

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
 * The one ingest pipeline every surface feeds (`ingest`, below, walks its stages). Rules that apply
 * to every surface go here, never in the routes.
 */
export function createIngestService(deps: IngestDeps) {
  const { settings, gates = [] } = deps
  const stages: StageDeps = { ...deps, gates, quota: deps.quota }

  return {
    /**
     * One event redacted and normalized as ingest would store it, without storing it: the control
     * plane's checks describe the action they decide about this way. Throws `validation_failed`.
     */
    async prepare(
      raw: unknown,
      ctx: Pick<IngestContext, 'orgId' | 'ipAddress'>,
    ): Promise<NewEvent> {
      const orgSettings = await settings.get(ctx.orgId)
      const { valid, errors } = normalizeAll(
        [raw],
        { ipAddress: ctx.ipAddress },
        orgSettings,
        Date.now(),
        true,
      )
      const issues = errors[0]?.details
      if (issues) throw new AppError('validation_failed', describe(issues), issues)
      return (valid[0] as { event: NewEvent }).event
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
    /**
     * One event; throws `validation_failed` naming every field problem. `beforeAppend` runs once
     * the event is valid, redacted and admitted by every gate and counted against the plan, right
     * before its append, and not for a replay: its throw refuses the request, and the places
     * counted are given back (a paid log settles its payment here, ingest-types.ts).
     */
    async one(
      raw: unknown,
      ctx: IngestContext,
      beforeAppend?: BeforeAppend,
    ): Promise<IngestReceipt & { replayed: boolean }> {
      const result = await ingest(stages, settings, [raw], ctx, true, beforeAppend)
      const receipt = result.accepted[0]
      if (!receipt) {
        const issues = result.errors[0]?.details ?? []
        throw new AppError('validation_failed', describe(issues), issues)
      }
      return { ...receipt, replayed: result.replayed }
    },
    /** Up to the batch limit; valid events are appended together, invalid ones reported by index. */
    batch: (raws: readonly unknown[], ctx: IngestContext) =>
      ingest(stages, settings, raws, ctx, false),
  }
}

export type IngestService = ReturnType<typeof createIngestService>

/**
 * One request through the stages, in the order of the arrow diagram in docs/architecture.md:
 * normalizeAll → replayOf → admit → claimKey → append, and giveBack when a counted request is
 * replayed or not appended. Only a request the gates let through claims its key.
 */
async function ingest(
  deps: StageDeps,
  settings: SettingsCache,
  raws: readonly unknown[],
  ctx: IngestContext,
  single: boolean,
  beforeAppend?: BeforeAppend,
): Promise<BatchResult> {
  const now = Date.now()
  const orgSettings = await settings.get(ctx.orgId)
  const { valid, errors } = normalizeAll(raws, ctx, orgSettings, now, single)
  // An invalid single event never claims the key, so the corrected retry can use it.
  if (single && errors.length > 0) return { accepted: [], errors, replayed: false }
  const req: IngestRequest = {
    ctx,
    settings: orgSettings,
    now,
    sent: raws.length,
    valid,
    key: keyOf(ctx, raws),
    batch: !single,
  }
  let replayed = await replayOf(deps, req)
  let reserved: string | undefined
  try {
    if (!replayed) ({ replayed, reserved } = await admit(deps, req))
    if (!replayed) replayed = await claimKey(deps, req)
    if (replayed) reserved = await giveBack(deps, req, reserved)
    else if (beforeAppend) await beforeAppend(valid.map((v) => v.event))
    const outcomes = await append(deps, req, reserved)
    const accepted = outcomes.map((outcome, i) => {
      const { index, event } = valid[i] as { index: number; event: NewEvent }
      // A duplicate is an event stored before this request arrived. One stored since is this
      // request's own, appended by a twin under the same Idempotency-Key that adopted its ids
      // (each appends, in case the other's append fails): whichever commits second is answered
      // as the creator it is, not as a client that sent an old event again.
      const duplicate = outcome.duplicate && Date.parse(outcome.received_at) < now
      return { index, ...outcome, duplicate, event }
    })
    return { accepted, errors, replayed }
  } catch (error) {
    await giveBack(deps, req, reserved).catch(() => undefined)
    throw error
  }
}

/** "tokens_input: must not be negative" for one problem, a count for several. */
export function describe(issues: readonly FieldIssue[]): string {
  const first = issues[0]
  if (!first) return 'the event is not valid'
  const lead = first.path ? `${first.path}: ${first.message}` : first.message
  return issues.length === 1
    ? lead
    : `${lead} (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''}; see details)`
}
