import { QueryView } from '../../components/query-view'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { EmptyState, ErrorBox } from '../../components/page'
import { formatDuration, formatPercent, formatUsd } from '../../lib/format'
import { ScopedButton } from '../../components/scope-gate'
import { AlertRuleForm } from './alert-rule-form'
import type { AlertRule, ThresholdRule } from './alert-types'
import { isRate } from './alert-types'

function value(rule: ThresholdRule, v: number): string {
  if (isRate(rule.metric)) return formatPercent(v)
  if (rule.metric === 'cost') return formatUsd(v)
  if (rule.metric === 'latency_p95') return formatDuration(v)
  return String(v)
}

/** A rule's condition in words: `error_rate above 25.0% (warning 10.0%) over 60 min`. */
function condition(rule: AlertRule): string {
  if (rule.type === 'anomaly')
    return rule.metric === 'new_service'
      ? 'an agent uses a service or tool it never used before'
      : `${rule.metric} far from the agent's baseline for the hour`
  const warn = rule.warning === null ? '' : ` (warning ${value(rule, rule.warning)})`
  return `${rule.metric} ${rule.operator} ${value(rule, rule.alert)}${warn} over ${rule.window_minutes} min`
}

const scopeText = (r: AlertRule) =>
  [
    r.scope.environment ?? 'every environment',
    r.scope.agent ?? 'every agent',
    ...(r.type === 'threshold' ? [r.scope.service ?? 'every service'] : []),
  ].join(' · ')

/**
 * Alert rules (`/api/v1/alert-rules`): the built-in anomaly detectors and the org's threshold
 * rules; create, edit, enable or disable, and delete (built-in rules cannot be deleted).
 */
export function AlertRulesPanel() {
  const client = useQueryClient()
  const [editing, setEditing] = useState<AlertRule | 'new'>()
  const [deleting, setDeleting] = useState<AlertRule>()
  const rules = useQuery({
    queryKey: ['alert-rules'],
    queryFn: () => api<{ rules: AlertRule[] }>('/api/v1/alert-rules'),
  })
  const refresh = () => client.invalidateQueries({ queryKey: ['alert-rules'] })
  const toggle = useMutation({
    mutationFn: (r: AlertRule) =>
      api(`/api/v1/alert-rules/${encodeURIComponent(r.id)}`, {
        method: 'PATCH',
        body: { enabled: !r.enabled },
      }),
    onSuccess: refresh,
  })
  const remove = useMutation({
    mutationFn: (r: AlertRule) =>
      api(`/api/v1/alert-rules/${encodeURIComponent(r.id)}`, { method: 'DELETE' }),
    onSuccess: async () => {
      setDeleting(undefined)
      await refresh()
    },
  })
  return (
    <>
      <div className="section-head">
        <p className="muted">
          Built-in rules watch every agent against its baseline; threshold rules compare a metric
          over a sliding window with fixed limits.
        </p>
        <div className="row-actions">
          <ScopedButton scope="control" className="primary" onClick={() => setEditing('new')}>
            New threshold rule
          </ScopedButton>
        </div>
      </div>
      {editing ? (
        <AlertRuleForm
          key={editing === 'new' ? 'new' : editing.id}
          rule={editing === 'new' ? undefined : editing}
          onDone={() => setEditing(undefined)}
        />
      ) : null}
      <ErrorBox error={toggle.error} />
      <QueryView
        query={rules}
        loading="Loading alert rules"
        isEmpty={(data) => data.rules.length === 0}
        empty={
          <EmptyState title="No alert rules">
            <p>Create a threshold rule with New threshold rule.</p>
          </EmptyState>
        }
      >
        {(data) => (
          <section className="panel table-panel">
            <table className="simple" aria-label="Alert rules">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Condition</th>
                  <th scope="col">Watches</th>
                  <th scope="col">State</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.rules.map((r) => (
                  <tr key={r.id}>
                    <td>{r.name}</td>
                    <td>
                      {r.type}
                      {r.builtin ? (
                        <span
                          className="badge tab-count"
                          title="Made by the server for every org: it can be changed or disabled, not deleted"
                        >
                          built-in
                        </span>
                      ) : null}
                    </td>
                    <td className="config-summary">{condition(r)}</td>
                    <td>{scopeText(r)}</td>
                    <td>
                      <span className={`badge ${r.enabled ? 'active' : ''}`}>
                        {r.enabled ? 'enabled' : 'disabled'}
                      </span>
                    </td>
                    <td>
                      <div className="row-actions">
                        <ScopedButton
                          scope="control"
                          onClick={() => setEditing(r)}
                          aria-label={`Edit rule ${r.name}`}
                        >
                          Edit
                        </ScopedButton>
                        <ScopedButton
                          scope="control"
                          disabled={toggle.isPending}
                          onClick={() => toggle.mutate(r)}
                          aria-label={`${r.enabled ? 'Disable' : 'Enable'} rule ${r.name}`}
                        >
                          {r.enabled ? 'Disable' : 'Enable'}
                        </ScopedButton>
                        <ScopedButton
                          scope="control"
                          disabled={r.builtin}
                          title={
                            r.builtin
                              ? 'Built-in rules cannot be deleted; disable them instead'
                              : undefined
                          }
                          onClick={() => setDeleting(r)}
                          aria-label={`Delete rule ${r.name}`}
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
      {deleting ? (
        <ConfirmDialog
          title="Delete this alert rule?"
          confirmLabel="Delete rule"
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => {
            setDeleting(undefined)
            remove.reset()
          }}
        >
          <p>
            <strong>{deleting.name}</strong> stops watching; its open alerts resolve at the next
            evaluation. The deletion is recorded in the trail.
          </p>
          <ErrorBox error={remove.error} />
        </ConfirmDialog>
      ) : null}
    </>
  )
}
