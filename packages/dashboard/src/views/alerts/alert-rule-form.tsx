import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { fieldErrorsOf, numberOrUndefined } from '../../components/field-errors'
import { FormField } from '../../components/form-field'
import { FormPanel } from '../../components/form-panel'
import type { AlertRule, ThresholdMetric } from './alert-types'
import { NO_DATA_MODES, THRESHOLD_METRICS, isRate } from './alert-types'

/** The paths with an input that shows their message; others go to the error box. */
const SHOWN = ['name', 'scope', 'window_minutes', 'warning', 'alert', 'min_actions']

const UNIT: Record<ThresholdMetric, string> = {
  error_rate: 'a fraction: 0.25 is 25 %',
  denied_rate: 'a fraction: 0.25 is 25 %',
  actions: 'actions in the window',
  cost: 'USD in the window',
  latency_p95: 'milliseconds',
}

const text = (v: number | string | null | undefined) =>
  v === null || v === undefined ? '' : String(v)

/**
 * Creates a threshold rule (`POST /api/v1/alert-rules`) or changes a rule (`PATCH`). An anomaly
 * rule (built in) takes only its name and scope here; a threshold rule takes every field. The
 * server checks the rule as a whole and names the field at fault.
 */
export function AlertRuleForm({ rule, onDone }: { rule?: AlertRule; onDone: () => void }) {
  const client = useQueryClient()
  const threshold = rule === undefined || rule.type === 'threshold'
  const t = rule?.type === 'threshold' ? rule : undefined
  const [f, setF] = useState({
    name: rule?.name ?? '',
    metric: (t?.metric ?? 'error_rate') as ThresholdMetric,
    environment: rule?.scope.environment ?? '',
    agent: rule?.scope.agent ?? '',
    service: rule?.scope.service ?? '',
    group_by: t?.group_by ?? 'agent',
    window_minutes: text(t?.window_minutes ?? 60),
    operator: t?.operator ?? 'above',
    warning: text(t?.warning),
    alert: text(t?.alert),
    min_actions: text(t?.min_actions),
    no_data: t?.no_data ?? 'zero',
  })
  const put = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }))
  const save = useMutation({
    mutationFn: () => {
      const scope = {
        environment: f.environment.trim() || null,
        agent: f.agent.trim() || null,
        ...(threshold ? { service: f.service.trim() || null } : {}),
      }
      const body = threshold
        ? {
            name: f.name,
            metric: f.metric,
            scope,
            group_by: f.group_by,
            window_minutes: numberOrUndefined(f.window_minutes),
            operator: f.operator,
            warning: numberOrUndefined(f.warning) ?? null,
            alert: numberOrUndefined(f.alert),
            min_actions: numberOrUndefined(f.min_actions),
            no_data: f.no_data,
          }
        : { name: f.name, scope }
      return rule
        ? api(`/api/v1/alert-rules/${encodeURIComponent(rule.id)}`, { method: 'PATCH', body })
        : api('/api/v1/alert-rules', { method: 'POST', body })
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['alert-rules'] })
      onDone()
    },
  })
  const errors = fieldErrorsOf(save.error)
  const title = rule ? `Edit rule ${rule.name}` : 'New threshold rule'
  return (
    <FormPanel
      title={title}
      mutation={save}
      shown={SHOWN}
      submitLabel={rule ? 'Save rule' : 'Create rule'}
      pendingLabel="Saving…"
      onCancel={onDone}
    >
      <div className="form-grid">
        <FormField
          label="Name"
          value={f.name}
          onChange={(name) => put({ name })}
          error={errors.name}
          required
        />
        {threshold ? (
          <div className="field">
            <label htmlFor="rule-metric">Metric</label>
            <select
              id="rule-metric"
              value={f.metric}
              onChange={(e) => put({ metric: e.target.value as ThresholdMetric })}
            >
              {THRESHOLD_METRICS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <FormField
          label="Environment"
          value={f.environment}
          onChange={(environment) => put({ environment })}
          error={errors['scope.environment']}
          hint="Empty: every environment."
        />
        <FormField
          label="Agent"
          value={f.agent}
          onChange={(agent) => put({ agent })}
          error={errors['scope.agent']}
          hint="Empty: every agent."
        />
        {threshold ? (
          <>
            <FormField
              label="Service"
              value={f.service}
              onChange={(service) => put({ service })}
              error={errors['scope.service']}
              hint="Empty: every service (latency_p95 takes none)."
            />
            <div className="field">
              <label htmlFor="rule-operator">Fires when the value is</label>
              <select
                id="rule-operator"
                value={f.operator}
                onChange={(e) => put({ operator: e.target.value as 'above' | 'below' })}
              >
                <option value="above">above</option>
                <option value="below">below</option>
              </select>
            </div>
            <FormField
              label="Alert threshold"
              type="number"
              value={f.alert}
              onChange={(alert) => put({ alert })}
              error={errors.alert}
              hint={UNIT[f.metric]}
              required
            />
            <FormField
              label="Warning threshold"
              type="number"
              value={f.warning}
              onChange={(warning) => put({ warning })}
              error={errors.warning}
              hint={isRate(f.metric) ? 'Optional; a fraction too.' : 'Optional.'}
            />
            <FormField
              label="Window (minutes)"
              type="number"
              value={f.window_minutes}
              onChange={(window_minutes) => put({ window_minutes })}
              error={errors.window_minutes}
              hint="5 to 1440."
            />
            <FormField
              label="Minimum actions"
              type="number"
              value={f.min_actions}
              onChange={(min_actions) => put({ min_actions })}
              error={errors.min_actions}
              hint="Fewer in the window: quiet. Default 10 for rates, else 0."
            />
            <div className="field">
              <label htmlFor="rule-group">One series per</label>
              <select
                id="rule-group"
                value={f.group_by}
                onChange={(e) => put({ group_by: e.target.value as 'agent' | 'none' })}
              >
                <option value="agent">agent</option>
                <option value="none">whole scope</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="rule-nodata">A window without actions</label>
              <select
                id="rule-nodata"
                value={f.no_data}
                onChange={(e) => put({ no_data: e.target.value as (typeof NO_DATA_MODES)[number] })}
              >
                {NO_DATA_MODES.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : null}
      </div>
    </FormPanel>
  )
}
