import type { RuleType } from './control-types'
import { numberOrUndefined, splitList } from '../../components/field-errors'

/** The form's text for every rule type's config fields; only the chosen type's are sent. */
export interface ConfigDraft {
  max_actions: string
  window_seconds: string
  services: string
  max_cost_cents: string
  patterns: string
  fields: string[]
  case_insensitive: boolean
  actions: string
  expires_in_seconds: string
}

export const EMPTY_CONFIG: ConfigDraft = {
  max_actions: '',
  window_seconds: '60',
  services: '',
  max_cost_cents: '',
  patterns: '',
  fields: ['input', 'output', 'context'],
  case_insensitive: false,
  actions: '',
  expires_in_seconds: '',
}

export const PAYLOAD_FIELDS = ['input', 'output', 'context', 'metadata'] as const

/** What each rule type does, in one line, for the type picker. */
export const RULE_HELP: Record<RuleType, string> = {
  rate_limit: 'Refuses actions beyond a number per time window.',
  service_allowlist: 'Refuses actions on any service not listed.',
  service_blocklist: 'Refuses actions on the services listed.',
  cost_limit_per_action: 'Refuses a single action that costs more than a limit.',
  payload_regex_block: 'Refuses actions whose payload matches a pattern (RE2 syntax).',
  require_approval: 'Holds matching actions until a person approves them.',
}

/**
 * The config as the API takes it for `type`. Empty inputs are left out, so the server names what
 * is missing; nothing is validated here, so the server's message is the one shown at the field.
 */
export function ruleConfig(type: RuleType, d: ConfigDraft): Record<string, unknown> {
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
  switch (type) {
    case 'rate_limit':
      return defined({
        max_actions: numberOrUndefined(d.max_actions),
        window_seconds: numberOrUndefined(d.window_seconds),
      })
    case 'service_allowlist':
    case 'service_blocklist':
      return { services: splitList(d.services) }
    case 'cost_limit_per_action':
      return defined({ max_cost_cents: numberOrUndefined(d.max_cost_cents) })
    case 'payload_regex_block':
      return {
        patterns: d.patterns.split('\n').filter((p) => p.trim() !== ''),
        fields: d.fields,
        case_insensitive: d.case_insensitive,
      }
    case 'require_approval':
      return defined({
        services: splitList(d.services),
        actions: splitList(d.actions),
        expires_in_seconds: numberOrUndefined(d.expires_in_seconds),
      })
  }
}
