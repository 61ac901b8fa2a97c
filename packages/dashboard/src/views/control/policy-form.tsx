import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import type { Policy, RuleType } from './control-types'
import { RULE_TYPES } from './control-types'
import { fieldErrorsOf, numberOrUndefined } from '../../components/field-errors'
import { FormField } from '../../components/form-field'
import { FormPanel } from '../../components/form-panel'
import { EMPTY_CONFIG, RULE_HELP, ruleConfig } from './rule-config'
import type { ConfigDraft } from './rule-config'
import { RuleConfigFields } from './rule-config-fields'

const SHOWN = [
  'name',
  'agent_name',
  'environment',
  'rule_type',
  'priority',
  'rule_config',
  'config',
]

/**
 * Creates a policy (`POST /api/v1/policies`). The server validates the config against the rule
 * type and names the field that is wrong; that message is shown under the input it is about.
 */
export function PolicyForm({
  environment,
  onDone,
}: {
  environment: string | undefined
  onDone: () => void
}) {
  const client = useQueryClient()
  const [name, setName] = useState('')
  const [agent, setAgent] = useState('')
  const [env, setEnv] = useState(environment ?? '')
  const [type, setType] = useState<RuleType>('rate_limit')
  const [priority, setPriority] = useState('0')
  const [enabled, setEnabled] = useState(true)
  const [config, setConfig] = useState<ConfigDraft>(EMPTY_CONFIG)
  const create = useMutation({
    mutationFn: () =>
      api<{ policy: Policy }>('/api/v1/policies', {
        method: 'POST',
        body: {
          name: name.trim() || null,
          agent_name: agent.trim() || null,
          environment: env.trim() || null,
          rule_type: type,
          rule_config: ruleConfig(type, config),
          priority: numberOrUndefined(priority),
          enabled,
        },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['policies'] })
      onDone()
    },
  })
  const errors = fieldErrorsOf(create.error)
  return (
    <FormPanel
      title="New policy"
      mutation={create}
      shown={SHOWN}
      submitLabel="Create policy"
      pendingLabel="Creating…"
      onCancel={onDone}
    >
      <div className="form-grid">
        <FormField
          label="Name"
          value={name}
          onChange={setName}
          error={errors.name}
          placeholder="Rate limit support-bot"
        />
        <div className="field">
          <label htmlFor="policy-rule-type">Rule type</label>
          <select
            id="policy-rule-type"
            value={type}
            onChange={(e) => {
              setType(e.target.value as RuleType)
              create.reset()
            }}
            aria-describedby="policy-rule-help"
          >
            {RULE_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <div className="field-hint" id="policy-rule-help">
            {RULE_HELP[type]}
          </div>
        </div>
        <FormField
          label="Agent"
          value={agent}
          onChange={setAgent}
          error={errors.agent_name}
          hint="Empty: every agent."
        />
        <FormField
          label="Environment"
          value={env}
          onChange={setEnv}
          error={errors.environment}
          hint="Empty: every environment."
        />
        <FormField
          label="Priority"
          type="number"
          value={priority}
          onChange={setPriority}
          error={errors.priority}
          hint="0..1000; higher is evaluated first."
        />
        <label className="check-field">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Enabled
        </label>
      </div>
      <RuleConfigFields
        type={type}
        draft={config}
        onChange={(patch) => setConfig((c) => ({ ...c, ...patch }))}
        errors={errors}
      />
    </FormPanel>
  )
}
