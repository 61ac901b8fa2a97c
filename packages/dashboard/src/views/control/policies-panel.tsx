import { QueryView } from '../../components/query-view'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { EmptyState, ErrorBox } from '../../components/page'
import { formatAgo, formatTime } from '../../lib/format'
import type { Policy } from './control-types'
import { PolicyForm } from './policy-form'
import { ScopedButton } from '../../components/scope-gate'

/** A config in words: `max_actions 100 · window_seconds 3600`, lists joined by commas. */
export function configText(config: Record<string, unknown>): string {
  return Object.entries(config)
    .map(([k, v]) => {
      const value = Array.isArray(v)
        ? v.length === 0
          ? 'all'
          : v.map(String).join(', ')
        : typeof v === 'object' && v !== null
          ? JSON.stringify(v)
          : String(v)
      return `${k} ${value}`
    })
    .join(' · ')
}

/** Policies: highest priority first, with enable/disable and delete; a form to create one. */
export function PoliciesPanel({ environment }: { environment: string | undefined }) {
  const client = useQueryClient()
  const [creating, setCreating] = useState(false)
  const [deleting, setDeleting] = useState<Policy>()
  const policies = useQuery({
    queryKey: ['policies', environment],
    queryFn: () => api<{ policies: Policy[] }>('/api/v1/policies', { query: { environment } }),
  })
  const refresh = () => client.invalidateQueries({ queryKey: ['policies'] })
  const toggle = useMutation({
    mutationFn: (p: Policy) =>
      api(`/api/v1/policies/${encodeURIComponent(p.id)}`, {
        method: 'PATCH',
        body: { enabled: !p.enabled },
      }),
    onSuccess: refresh,
  })
  const remove = useMutation({
    mutationFn: (p: Policy) =>
      api(`/api/v1/policies/${encodeURIComponent(p.id)}`, { method: 'DELETE' }),
    onSuccess: async () => {
      setDeleting(undefined)
      await refresh()
    },
  })
  return (
    <>
      <div className="section-head">
        <p className="muted">
          Every action an agent checks or reports passes these rules, highest priority first; the
          first one that refuses decides.
        </p>
        <div className="row-actions">
          <ScopedButton scope="control" className="primary" onClick={() => setCreating(true)}>
            New policy
          </ScopedButton>
        </div>
      </div>
      {creating ? <PolicyForm environment={environment} onDone={() => setCreating(false)} /> : null}
      <ErrorBox error={toggle.error} />
      <QueryView
        query={policies}
        loading="Loading policies"
        isEmpty={(data) => data.policies.length === 0}
        empty={
          <EmptyState title="No policies yet">
            <p>
              Create one with New policy: a rate limit, a service allowlist or blocklist, a cost cap
              per action, a payload pattern to block, or a human approval before matching actions.
            </p>
          </EmptyState>
        }
      >
        {(data) => (
          <section className="panel table-panel">
            <table className="simple" aria-label="Policies">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Config</th>
                  <th scope="col">Applies to</th>
                  <th scope="col" className="right">
                    Priority
                  </th>
                  <th scope="col">State</th>
                  <th scope="col">Changed</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.policies.map((p) => (
                  <tr key={p.id}>
                    <td>{p.name ?? <span className="muted">(unnamed)</span>}</td>
                    <td className="mono">{p.rule_type}</td>
                    <td className="config-summary">{configText(p.rule_config)}</td>
                    <td>
                      {p.agent_name ?? 'every agent'} · {p.environment ?? 'every environment'}
                    </td>
                    <td className="right">{p.priority}</td>
                    <td>
                      <span className={`badge ${p.enabled ? 'active' : ''}`}>
                        {p.enabled ? 'enabled' : 'disabled'}
                      </span>
                    </td>
                    <td title={formatTime(p.updated_at)}>{formatAgo(p.updated_at)}</td>
                    <td>
                      <div className="row-actions">
                        <ScopedButton
                          scope="control"
                          disabled={toggle.isPending}
                          onClick={() => toggle.mutate(p)}
                          aria-label={`${p.enabled ? 'Disable' : 'Enable'} policy ${p.name ?? p.id}`}
                        >
                          {p.enabled ? 'Disable' : 'Enable'}
                        </ScopedButton>
                        <ScopedButton
                          scope="control"
                          onClick={() => setDeleting(p)}
                          aria-label={`Delete policy ${p.name ?? p.id}`}
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
          title="Delete this policy?"
          confirmLabel="Delete policy"
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => {
            setDeleting(undefined)
            remove.reset()
          }}
        >
          <p>
            {deleting.rule_type} policy <strong>{deleting.name ?? deleting.id}</strong> stops
            applying at the next decision. The deletion is recorded in the trail.
          </p>
          <ErrorBox error={remove.error} />
        </ConfirmDialog>
      ) : null}
    </>
  )
}
