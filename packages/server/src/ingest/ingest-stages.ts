import { createHash } from 'node:crypto'
import { AppError } from '../app-error.js'
import type { OrgSettings } from '../orgs/org-settings.js'
import type { AppendOutcome, IdempotencyClaim, IdempotencyStore } from '../store/store.js'
import type { GroupCommitter } from './group-committer.js'
import type { IngestContext, IngestGate } from './ingest-types.js'
import type { ValidEvent } from './normalize-all.js'
import type { PlanQuota } from './ingest-types.js'

/** What the stages after normalization use (see `createIngestService`). */
export interface StageDeps {
  committer: GroupCommitter
  idempotency: IdempotencyStore
  idempotencyTtlMs: number
  gates: readonly IngestGate[]
  quota: PlanQuota | undefined
}

/** One request on its way through the stages, after `normalizeAll`. */
export interface IngestRequest {
  ctx: IngestContext
  settings: OrgSettings
  /** When the request arrived, Unix ms. */
  now: number
  /** How many events the request sent, valid or not. */
  sent: number
  /** The valid events. A replay gives them the first request's ids. */
  valid: ValidEvent[]
  /** The `Idempotency-Key` and the SHA-256 of the body sent under it; none without a key. */
  key: { key: string; hash: string } | undefined
  /** A batch request (its new events are announced together as `batch.logged`). */
  batch: boolean
}

/** The request's `Idempotency-Key` and the hash that tells a replay from a different body. */
export function keyOf(
  ctx: IngestContext,
  raws: readonly unknown[],
): IngestRequest['key'] | undefined {
  if (ctx.idempotencyKey === undefined) return undefined
  const body = ctx.rawBody ?? JSON.stringify(raws)
  return { key: ctx.idempotencyKey, hash: createHash('sha256').update(body).digest('hex') }
}

/**
 * True when the key's first request was this one: it answers with that request's ids and skips
 * the gates (it was admitted once; a plan limit reached since, or a spent requests-per-minute
 * token, does not refuse it). If that first append failed, this appends what was admitted then.
 */
export async function replayOf(deps: StageDeps, req: IngestRequest): Promise<boolean> {
  if (!req.key) return false
  const { idempotency, idempotencyTtlMs } = deps
  const earlier = await idempotency.lookup(
    req.ctx.orgId,
    req.key.key,
    req.key.hash,
    req.now,
    idempotencyTtlMs,
  )
  return earlier !== undefined && adoptClaim(req, earlier)
}

/**
 * The org's gates, then the plan's monthly count. `reserved` is the month the events were counted
 * in (none when the plan has no limit). `replayed` when a twin under the same key took the last
 * place: the twin answers this request too.
 */
export async function admit(
  deps: StageDeps,
  req: IngestRequest,
): Promise<{ replayed: boolean; reserved: string | undefined }> {
  if (req.valid.length === 0) return { replayed: false, reserved: undefined }
  const events = req.valid.map((v) => v.event)
  for (const gate of deps.gates) await gate(events, req.ctx, req.settings, 'ingest')
  try {
    const reserved = await deps.quota?.reserve(req.ctx.orgId, req.settings, events.length)
    return { replayed: false, reserved }
  } catch (error) {
    // A twin claims the key right after counting: look for its claim a moment before refusing.
    const twin = req.key && (await twinClaim(deps, req, req.key))
    if (twin === undefined) throw error
    return { replayed: adoptClaim(req, twin), reserved: undefined }
  }
}

/**
 * Claims the key for this request's ids. Only an admitted request gets here, so one the gates
 * refused can retry under its key. True (a replay) when a twin claimed the key since `replayOf`:
 * the twin's append counts the events.
 */
export async function claimKey(deps: StageDeps, req: IngestRequest): Promise<boolean> {
  if (!req.key) return false
  const proposed = new Array<string>(req.sent).fill('')
  for (const { index, event } of req.valid) proposed[index] = event.id
  const { idempotency, idempotencyTtlMs } = deps
  const { orgId } = req.ctx
  const claim = await idempotency.claim(
    orgId,
    req.key.key,
    req.key.hash,
    proposed,
    req.now,
    idempotencyTtlMs,
  )
  return adoptClaim(req, claim)
}

/** The valid events through the group committer; `reserved` tells the append they were counted. */
export function append(
  deps: StageDeps,
  req: IngestRequest,
  reserved: string | undefined,
): Promise<AppendOutcome[]> {
  const { orgId } = req.ctx
  // The first event's id names the batch: unique to the request, the same when it is retried.
  const batch = req.batch ? req.valid[0]?.event.id : undefined
  return deps.committer.append(
    req.valid.map(({ event }) => ({
      orgId,
      event,
      ...(reserved !== undefined && { reservedMonth: reserved }),
      ...(batch !== undefined && { batch }),
    })),
  )
}

/** Gives back the places `admit` counted (a replay is counted by its first request); undefined. */
export async function giveBack(
  deps: StageDeps,
  req: IngestRequest,
  reserved: string | undefined,
): Promise<undefined> {
  if (reserved !== undefined && deps.quota)
    await deps.quota.release(req.ctx.orgId, reserved, req.valid.length)
  return undefined
}

/**
 * Takes a claim's ids for the request's events: appending them again finds the stored events and
 * changes nothing. True for a replay; throws when the key was used with another body.
 */
function adoptClaim(req: IngestRequest, claim: IdempotencyClaim): boolean {
  if (claim.state === 'mismatch')
    throw new AppError(
      'idempotency_key_reused',
      'this Idempotency-Key was already used with a different request body; use a new key for a new request',
    )
  for (const item of req.valid) item.event.id = claim.ids[item.index] ?? item.event.id
  return claim.state === 'replay'
}

/** How long a request refused at the plan's limit looks for a twin's claim. */
const TWIN_WAIT_MS = 500

/**
 * The claim of the key by a twin request, looked for until TWIN_WAIT_MS have passed, at growing
 * intervals (5 ms, doubling, at most 100 ms). The twin claims right after its count, one store
 * round trip away; a bound in time rather than in attempts still finds it when the store is slow.
 */
async function twinClaim(
  deps: StageDeps,
  req: IngestRequest,
  { key, hash }: { key: string; hash: string },
): Promise<IdempotencyClaim | undefined> {
  const deadline = Date.now() + TWIN_WAIT_MS
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    const found = await deps.idempotency.lookup(
      req.ctx.orgId,
      key,
      hash,
      req.now,
      deps.idempotencyTtlMs,
    )
    if (found !== undefined) return found
    const left = deadline - Date.now()
    if (left <= 0) return undefined
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)))
  }
}
