import { AppError } from '../../app-error.js'
import type { AlertRule, RuleScope } from '../../store/alert-model.js'
import { ANOMALY_PATCHABLE, PATCHABLE, checkThresholdRule } from './alert-rule-schemas.js'
import type { AlertRulePatchBody } from './alert-rule-schemas.js'

const invalid = (path: string, message: string) =>
  new AppError('validation_failed', `${path}: ${message}`, [{ path, message }])

/** A scope as sent over the scope it changes: fields sent replace, null clears, absent keeps. */
export const mergeScope = (base: RuleScope, sent: Partial<RuleScope> | undefined): RuleScope => ({
  environment: sent?.environment !== undefined ? sent.environment : base.environment,
  agent: sent?.agent !== undefined ? sent.agent : base.agent,
  service: sent?.service !== undefined ? sent.service : base.service,
})
/** A field of either kind of rule (an anomaly rule has no `alert`: undefined). */
export const field = (rule: AlertRule, f: string): unknown =>
  (rule as unknown as Record<string, unknown>)[f]
/** No scope: every environment, agent and service. */
export const EVERYWHERE: RuleScope = { environment: null, agent: null, service: null }

/** The rule after a change, validated as a whole; 400 when the change does not fit the rule. */
export function changed(current: AlertRule, body: AlertRulePatchBody, now: string): AlertRule {
  const scope = mergeScope(current.scope, body.scope)
  const common = {
    name: body.name ?? current.name,
    enabled: body.enabled ?? current.enabled,
    scope,
    updated_at: now,
  }
  if (current.type === 'anomaly') {
    const other = PATCHABLE.filter(
      (f) => body[f] !== undefined && !(ANOMALY_PATCHABLE as readonly string[]).includes(f),
    )
    if (other.length > 0)
      throw invalid(
        other[0] as string,
        `an anomaly rule takes only name, enabled and scope (environment, agent); not ${other.join(', ')}`,
      )
    if (body.scope?.service !== undefined && body.scope.service !== null)
      throw invalid('scope.service', 'an anomaly rule watches agents; it takes no service scope')
    return { ...current, ...common }
  }
  const rule = { ...current, ...common }
  // The threshold fields: every patchable one but those the anomaly rules share.
  for (const f of PATCHABLE)
    if (!(ANOMALY_PATCHABLE as readonly string[]).includes(f) && body[f] !== undefined)
      Object.assign(rule, { [f]: body[f] })
  checkThresholdRule(rule)
  return rule
}
