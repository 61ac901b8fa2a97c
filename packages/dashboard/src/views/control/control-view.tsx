import { useQuery } from '@tanstack/react-query'
import { Link, useParams } from 'wouter'
import { api } from '../../api/client'
import { ErrorBox, Page } from '../../components/page'
import { hrefWithEnv, useEnvironment } from '../../lib/url-state'
import { ApprovalsPanel } from './approvals-panel'
import { BudgetsPanel } from './budgets-panel'
import type { ApprovalRequest } from './control-types'
import { PoliciesPanel } from './policies-panel'
import './control.css'

const TABS = [
  { id: 'policies', label: 'Policies' },
  { id: 'budgets', label: 'Budgets' },
  { id: 'approvals', label: 'Approvals' },
] as const

/** Control: policies, budgets and approvals, one tab each (`/control/policies`, ...). */
export default function ControlView() {
  const tab = useParams<{ tab?: string }>().tab ?? 'policies'
  const environment = useEnvironment()
  // The tab's badge: how many requests wait (shared cache with the Overview's card).
  const pending = useQuery({
    queryKey: ['approvals', 'pending', environment],
    queryFn: () =>
      api<{ approvals: ApprovalRequest[] }>('/api/v1/approvals', {
        query: { status: 'pending', environment, limit: 200 },
      }),
    refetchInterval: 5000,
  })
  const waiting = pending.data?.approvals.length ?? 0
  return (
    <Page title="Control">
      <nav className="tabs" aria-label="Control">
        {TABS.map((t) => (
          <Link
            key={t.id}
            href={hrefWithEnv(`/control/${t.id}`, environment)}
            aria-current={tab === t.id ? 'page' : undefined}
          >
            {t.label}
            {t.id === 'approvals' && waiting > 0 ? (
              <span className="badge pending tab-count" aria-label={`${waiting} waiting`}>
                {waiting >= 200 ? '200+' : waiting}
              </span>
            ) : null}
          </Link>
        ))}
      </nav>
      {tab === 'policies' ? (
        <PoliciesPanel environment={environment} />
      ) : tab === 'budgets' ? (
        <BudgetsPanel environment={environment} />
      ) : tab === 'approvals' ? (
        <ApprovalsPanel environment={environment} />
      ) : (
        <ErrorBox error={new Error(`There is no Control tab named ${tab}.`)} />
      )}
    </Page>
  )
}
