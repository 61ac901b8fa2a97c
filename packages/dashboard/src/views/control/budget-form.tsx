import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import type { Budget, BudgetPeriod } from './control-types'
import { BUDGET_PERIODS } from './control-types'
import { fieldErrorsOf, numberOrUndefined } from '../../components/field-errors'
import { FormField } from '../../components/form-field'
import { FormPanel } from '../../components/form-panel'

const SHOWN = ['agent_name', 'agent', 'environment', 'period', 'max_actions', 'max_cost_cents']

/**
 * Creates a budget (`POST /api/v1/budgets`), or changes the limits of the one of that agent,
 * environment and period: the API keeps one per triple. Money is entered in dollars and sent in
 * cents, as the API counts it.
 */
export function BudgetForm({
  environment,
  onDone,
}: {
  environment: string | undefined
  onDone: () => void
}) {
  const client = useQueryClient()
  const [agent, setAgent] = useState('')
  const [env, setEnv] = useState(environment ?? 'production')
  const [period, setPeriod] = useState<BudgetPeriod>('daily')
  const [maxActions, setMaxActions] = useState('')
  const [maxDollars, setMaxDollars] = useState('')
  const save = useMutation({
    mutationFn: () => {
      const dollars = numberOrUndefined(maxDollars)
      return api<Budget>('/api/v1/budgets', {
        method: 'POST',
        body: {
          agent_name: agent.trim() || null,
          environment: env.trim() || undefined,
          period,
          max_actions: numberOrUndefined(maxActions) ?? null,
          max_cost_cents: dollars === undefined ? null : Math.round(dollars * 100 * 100) / 100,
        },
      })
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['budgets'] })
      onDone()
    },
  })
  const errors = fieldErrorsOf(save.error)
  return (
    <FormPanel
      title="New budget"
      mutation={save}
      shown={SHOWN}
      submitLabel="Save budget"
      pendingLabel="Saving…"
      onCancel={onDone}
    >
      <p className="muted">
        When a period&apos;s actions or cost reach a limit, the agent&apos;s further actions are
        refused until the period ends or the budget is reset. One budget per agent, environment and
        period: saving one that exists changes its limits.
      </p>
      <div className="form-grid">
        <FormField
          label="Agent"
          value={agent}
          onChange={setAgent}
          error={errors.agent_name ?? errors.agent}
          hint="Empty: every agent of the environment together."
        />
        <FormField label="Environment" value={env} onChange={setEnv} error={errors.environment} />
        <div className="field">
          <label htmlFor="budget-period">Period</label>
          <select
            id="budget-period"
            value={period}
            onChange={(e) => setPeriod(e.target.value as BudgetPeriod)}
          >
            {BUDGET_PERIODS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <div className="field-hint">Periods follow the UTC calendar.</div>
        </div>
        <FormField
          label="Max actions per period"
          type="number"
          value={maxActions}
          onChange={setMaxActions}
          error={errors.max_actions}
          hint="Empty: no action limit."
        />
        <FormField
          label="Max cost per period (USD)"
          type="number"
          value={maxDollars}
          onChange={setMaxDollars}
          error={errors.max_cost_cents}
          hint="Empty: no cost limit. At least one limit is needed."
        />
      </div>
    </FormPanel>
  )
}
