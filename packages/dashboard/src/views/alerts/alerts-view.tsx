import { useQuery } from '@tanstack/react-query'
import { Link } from 'wouter'
import { api } from '../../api/client'
import type { Alert } from '../../api/types'
import { Page } from '../../components/page'
import { mergeSearch, useEnvironment, useUrlState } from '../../lib/url-state'
import { AlertList } from './alert-list'
import { AlertRulesPanel } from './alert-rules-panel'
import { BaselinesPanel } from './baselines-panel'
import '../control/control.css'

const TABS = [
  { id: 'alerts', label: 'Alerts' },
  { id: 'baselines', label: 'Baselines' },
  { id: 'rules', label: 'Rules' },
] as const

/** Alerts: firing and resolved alerts with their history, the baselines, and the alert rules. */
export default function AlertsView() {
  const environment = useEnvironment()
  const [params] = useUrlState()
  const tab = TABS.some((t) => t.id === params.tab) ? params.tab : 'alerts'
  // The tab's badge: open alerts (shared with the Overview's card through the cache key).
  const firing = useQuery({
    queryKey: ['alerts', 'firing', environment],
    queryFn: () =>
      api<{ alerts: Alert[] }>('/api/v1/alerts', {
        query: { state: 'firing', environment, limit: 200 },
      }),
  })
  const open = firing.data?.alerts.length ?? 0
  return (
    <Page title="Alerts">
      <nav className="tabs" aria-label="Alerts">
        {TABS.map((t) => (
          <Link
            key={t.id}
            // Only the environment carries over: each tab has filters of its own.
            href={`/alerts${mergeSearch('', { environment, tab: t.id === 'alerts' ? null : t.id })}`}
            aria-current={tab === t.id ? 'page' : undefined}
          >
            {t.label}
            {t.id === 'alerts' && open > 0 ? (
              <span className="badge firing tab-count" aria-label={`${open} open`}>
                {open >= 200 ? '200+' : open}
              </span>
            ) : null}
          </Link>
        ))}
      </nav>
      {tab === 'baselines' ? (
        <BaselinesPanel environment={environment} />
      ) : tab === 'rules' ? (
        <AlertRulesPanel />
      ) : (
        <AlertList environment={environment} />
      )}
    </Page>
  )
}
