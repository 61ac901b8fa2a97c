import type { RuleType } from './control-types'
import { errorAt, numberOrUndefined, splitList } from './field-errors'
import { FormField } from './form-field'

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

const PAYLOAD_FIELDS = ['input', 'output', 'context', 'metadata'] as const

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

/** The inputs of one rule type's config, each with the server's message for it. */
export function RuleConfigFields({
  type,
  draft,
  onChange,
  errors,
}: {
  type: RuleType
  draft: ConfigDraft
  onChange: (patch: Partial<ConfigDraft>) => void
  errors: Record<string, string>
}) {
  const at = (field: string) =>
    errorAt(errors, `rule_config.${field}`) ?? errorAt(errors, `config.${field}`)
  const whole = errors.rule_config ?? errors.config
  const services = (hint: string) => (
    <FormField
      label="Services"
      value={draft.services}
      onChange={(services) => onChange({ services })}
      error={at('services')}
      hint={hint}
      placeholder="stripe, sendgrid"
    />
  )
  return (
    <div className="form-grid">
      {type === 'rate_limit' ? (
        <>
          <FormField
            label="Max actions"
            type="number"
            value={draft.max_actions}
            onChange={(max_actions) => onChange({ max_actions })}
            error={at('max_actions')}
            required
          />
          <FormField
            label="Window (seconds)"
            type="number"
            value={draft.window_seconds}
            onChange={(window_seconds) => onChange({ window_seconds })}
            error={at('window_seconds')}
            hint="Default 60; at most 31 days."
          />
        </>
      ) : null}
      {type === 'service_allowlist'
        ? services('Comma-separated; every other service is refused.')
        : null}
      {type === 'service_blocklist'
        ? services('Comma-separated; these services are refused.')
        : null}
      {type === 'cost_limit_per_action' ? (
        <FormField
          label="Max cost per action (cents)"
          type="number"
          value={draft.max_cost_cents}
          onChange={(max_cost_cents) => onChange({ max_cost_cents })}
          error={at('max_cost_cents')}
          required
        />
      ) : null}
      {type === 'payload_regex_block' ? (
        <>
          <FormField
            label="Patterns, one per line"
            multiline
            value={draft.patterns}
            onChange={(patterns) => onChange({ patterns })}
            error={at('patterns')}
            hint="RE2 syntax: no back-references or look-around."
            placeholder={'\\b\\d{3}-\\d{2}-\\d{4}\\b\npassword'}
            required
          />
          <fieldset className="field">
            <legend>Fields to search</legend>
            {PAYLOAD_FIELDS.map((f) => (
              <label key={f} className="row-actions">
                <input
                  type="checkbox"
                  checked={draft.fields.includes(f)}
                  onChange={(e) =>
                    onChange({
                      fields: e.target.checked
                        ? [...draft.fields, f]
                        : draft.fields.filter((x) => x !== f),
                    })
                  }
                />
                {f}
              </label>
            ))}
            {at('fields') ? (
              <div className="field-error" role="alert">
                {at('fields')}
              </div>
            ) : null}
          </fieldset>
          <label className="check-field">
            <input
              type="checkbox"
              checked={draft.case_insensitive}
              onChange={(e) => onChange({ case_insensitive: e.target.checked })}
            />
            Ignore case
          </label>
        </>
      ) : null}
      {type === 'require_approval' ? (
        <>
          {services('Comma-separated; empty: every service.')}
          <FormField
            label="Actions"
            value={draft.actions}
            onChange={(actions) => onChange({ actions })}
            error={at('actions')}
            hint="Comma-separated; empty: every action."
            placeholder="charge, refund"
          />
          <FormField
            label="Expires after (seconds)"
            type="number"
            value={draft.expires_in_seconds}
            onChange={(expires_in_seconds) => onChange({ expires_in_seconds })}
            error={at('expires_in_seconds')}
            hint="Default: 30 minutes."
          />
        </>
      ) : null}
      {whole ? (
        <div className="field-error" role="alert">
          {whole}
        </div>
      ) : null}
    </div>
  )
}
