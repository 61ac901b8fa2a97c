import { LIMITS, nestedDeeperThan } from '@agenttrail/protocol'
import type { NewEvent } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { IngestService } from './ingest-service.js'
import type { Decision } from '../control/control-types.js'
import type { Store } from '../store/store.js'

/** What a check asks about, in the native shape: any surface maps its body onto this. */
export interface CheckRequest {
  agent: string
  service?: string
  action?: string
  environment?: string
  /** The action's payload, so that payload rules decide before the side effect. */
  input?: unknown
  /** Details of the action (AgentWarden's `context`), which payload rules on `context` read. */
  context?: Record<string, unknown>
  /** The action's expected cost, so that cost rules and budgets decide before it is spent. */
  cost_usd?: number | string
  trace_id?: string
  metadata?: Record<string, unknown>
}

export interface CheckContext {
  orgId: string
  keyId: string
  ipAddress: string | null
}

/**
 * Decides an action before it happens. The action is described as the event it would be (redacted
 * and normalized by the ingest pipeline, so its input is hashed and matched exactly as the action's
 * own record will be), then decided and, when refused, recorded in one store transaction.
 */
export function createCheckService(store: Store, ingest: IngestService, approvalTtlMs: number) {
  return async function check(request: CheckRequest, ctx: CheckContext): Promise<Decision> {
    const metadata = { ...request.metadata, source: 'check' }
    const event: NewEvent = await ingest.prepare(
      { ...request, kind: 'action', status: 'denied', user: ctx.keyId, metadata },
      { orgId: ctx.orgId, ipAddress: ctx.ipAddress },
    )
    if (event.agent === null)
      throw new AppError('validation_failed', 'agent: is required', [
        { path: 'agent', message: 'is required' },
      ])
    await ingest.admitCheck(event, { orgId: ctx.orgId, ipAddress: ctx.ipAddress })
    // Serialized as sent, before redaction (which keeps 64 levels): deeper still would exhaust the stack.
    for (const [path, value] of [
      ['input', request.input],
      ['context', request.context],
    ] as const)
      if (nestedDeeperThan(value, LIMITS.jsonDepth))
        throw new AppError(
          'validation_failed',
          `${path}: nested more than ${LIMITS.jsonDepth} levels deep`,
          [{ path, message: `must not be nested more than ${LIMITS.jsonDepth} levels deep` }],
        )
    // Payload rules read what the action will really send; what is stored is redacted.
    const unredacted = {
      input: request.input === undefined ? null : (JSON.stringify(request.input) ?? null),
      context: request.context === undefined ? null : JSON.stringify(request.context),
    }
    return store.control.check(ctx.orgId, {
      event: { ...event, agent: event.agent },
      keyId: ctx.keyId,
      approvalTtlMs,
      unredacted,
    })
  }
}

export type CheckService = ReturnType<typeof createCheckService>
