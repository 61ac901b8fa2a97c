import type { RuleType } from './control-types'
import { errorAt } from '../../components/field-errors'
import { FormField } from '../../components/form-field'
import type { ConfigDraft } from './rule-config'
import { PAYLOAD_FIELDS } from './rule-config'

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
