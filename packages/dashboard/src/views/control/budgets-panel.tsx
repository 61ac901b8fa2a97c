import { QueryView } from '../../components/query-view'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { EmptyState, ErrorBox } from '../../components/page'
import { formatAgo, formatNumber, formatTime, formatUsd } from '../../lib/format'
import { BudgetForm } from './budget-form'
import type { Budget } from './control-types'
import { ScopedButton } from '../../components/scope-gate'
import { UsageBar } from './usage-bar'
import { useLiveInvalidate } from './use-live-invalidate'

const subject = (b: Budget) =>
  `${b.period} budget of ${b.agent_name ?? 'every agent'} in ${b.environment}`

/** Budgets with the current period's usage as bars; create, reset the counters, delete. */
export function BudgetsPanel({ environment }: { environment: string | undefined }) {
  const client = useQueryClient()
  const [creating, setCreating] = useState(false)
  const [confirm, setConfirm] = useState<{ budget: Budget; verb: 'reset' | 'delete' }>()
  const budgets = useQuery({
    queryKey: ['budgets', environment],
    queryFn: () => api<{ budgets: Budget[] }>('/api/v1/budgets', { query: { environment } }),
  })
  // Usage moves with every action: refresh while events arrive.
  useLiveInvalidate([['budgets']], (f) => f.type === 'event.new', 3000)
  const act = useMutation({
    mutationFn: ({ budget, verb }: { budget: Budget; verb: 'reset' | 'delete' }) =>
      verb === 'reset'
        ? api(`/api/v1/budgets/${encodeURIComponent(budget.id)}/reset`, { method: 'POST' })
        : api(`/api/v1/budgets/${encodeURIComponent(budget.id)}`, { method: 'DELETE' }),
    onSuccess: async () => {
      setConfirm(undefined)
      await client.invalidateQueries({ queryKey: ['budgets'] })
    },
  })
  return (
    <>
      <div className="section-head">
        <p className="muted">
          Limits on actions and cost per hour, day, week or month; usage is of the current period.
        </p>
        <div className="row-actions">
          <ScopedButton scope="control" className="primary" onClick={() => setCreating(true)}>
            New budget
          </ScopedButton>
        </div>
      </div>
      {creating ? <BudgetForm environment={environment} onDone={() => setCreating(false)} /> : null}
      <QueryView
        query={budgets}
        loading="Loading budgets"
        isEmpty={(data) => data.budgets.length === 0}
        empty={
          <EmptyState title="No budgets yet">
            <p>
              Create one with New budget to cap an agent&apos;s actions or spend per period; its
              actions are refused once the cap is reached.
            </p>
          </EmptyState>
        }
      >
        {(data) => (
          <section className="panel table-panel">
            <table className="simple" aria-label="Budgets">
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Environment</th>
                  <th scope="col">Period</th>
                  <th scope="col">Actions</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Status</th>
                  <th scope="col">Period ends</th>
                  <th scope="col">Actions on budget</th>
                </tr>
              </thead>
              <tbody>
                {data.budgets.map((b) => (
                  <tr key={b.id}>
                    <td>{b.agent_name ?? <span className="muted">every agent</span>}</td>
                    <td>{b.environment}</td>
                    <td>{b.period}</td>
                    <td>
                      <UsageBar
                        label={`Actions used of the ${subject(b)}`}
                        used={formatNumber(b.current_actions)}
                        limit={b.max_actions === null ? null : formatNumber(b.max_actions)}
                        percent={b.pct_actions}
                      />
                    </td>
                    <td>
                      <UsageBar
                        label={`Cost used of the ${subject(b)}`}
                        used={formatUsd(b.current_cost_cents / 100)}
                        limit={b.max_cost_cents === null ? null : formatUsd(b.max_cost_cents / 100)}
                        percent={b.pct_cost}
                      />
                    </td>
                    <td>
                      <span
                        className={`badge ${b.status === 'ok' ? 'good' : b.status === 'warning' ? 'warn' : 'bad'}`}
                      >
                        {b.status}
                      </span>
                    </td>
                    <td title={formatTime(b.period_end)}>{formatAgo(b.period_end)}</td>
                    <td>
                      <div className="row-actions">
                        <ScopedButton
                          scope="control"
                          onClick={() => setConfirm({ budget: b, verb: 'reset' })}
                          aria-label={`Reset the ${subject(b)}`}
                        >
                          Reset
                        </ScopedButton>
                        <ScopedButton
                          scope="control"
                          onClick={() => setConfirm({ budget: b, verb: 'delete' })}
                          aria-label={`Delete the ${subject(b)}`}
                        >
                          Delete
                        </ScopedButton>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </QueryView>
      {confirm ? (
        <ConfirmDialog
          title={confirm.verb === 'reset' ? 'Reset this budget?' : 'Delete this budget?'}
          confirmLabel={confirm.verb === 'reset' ? 'Reset counters' : 'Delete budget'}
          danger={confirm.verb === 'delete'}
          busy={act.isPending}
          onConfirm={() => act.mutate(confirm)}
          onCancel={() => {
            setConfirm(undefined)
            act.reset()
          }}
        >
          <p>
            {confirm.verb === 'reset'
              ? `The ${subject(confirm.budget)} starts counting from zero again, so refused actions go through until it fills up again.`
              : `The ${subject(confirm.budget)} stops limiting at once.`}{' '}
            This is recorded in the trail.
          </p>
          <ErrorBox error={act.error} />
        </ConfirmDialog>
      ) : null}
    </>
  )
}
