import type { ComponentType } from 'react'
import { Link, useLocation } from 'wouter'
import { ErrorBox, Page } from '../../components/page'
import { hrefWithEnv, useEnvironment } from '../../lib/url-state'
import { KeysSection } from './keys-section'
import { NotificationsSection } from './notifications-section'
import { PlanSection } from './plan-section'
import { RedactionSection } from './redaction-section'
import { RollbackHooksSection } from './rollback-hooks-section'
import { WebhooksSection } from './webhooks-section'
import './settings.css'

/** The sections, in tab order: path segment, tab label and the component. */
const SECTIONS: { slug: string; label: string; component: ComponentType }[] = [
  { slug: 'keys', label: 'API keys', component: KeysSection },
  { slug: 'webhooks', label: 'Webhooks', component: WebhooksSection },
  { slug: 'notifications', label: 'Notification channels', component: NotificationsSection },
  { slug: 'rollback-hooks', label: 'Rollback hooks', component: RollbackHooksSection },
  { slug: 'redaction', label: 'Redaction and org', component: RedactionSection },
  { slug: 'plan', label: 'Plan and usage', component: PlanSection },
]

/**
 * Settings (`/settings/<section>`; `/settings` opens the first): keys, webhooks, notification
 * channels, rollback hooks, redaction and org settings, plan and usage. A session without the
 * needed scope sees what it may read, with every change disabled and titled with the scope.
 */
export default function SettingsView() {
  const [location] = useLocation()
  const environment = useEnvironment()
  const slug = location.replace(/^\/settings\/?/, '').split('/')[0] || SECTIONS[0]!.slug
  const section = SECTIONS.find((s) => s.slug === slug)
  return (
    <Page title="Settings">
      <nav className="tabs" aria-label="Settings sections">
        {SECTIONS.map((s) => (
          <Link
            key={s.slug}
            href={hrefWithEnv(`/settings/${s.slug}`, environment)}
            aria-current={s === section ? 'page' : undefined}
          >
            {s.label}
          </Link>
        ))}
      </nav>
      {section ? (
        <section aria-label={section.label}>
          <h2 className="visually-hidden">{section.label}</h2>
          <section.component />
        </section>
      ) : (
        <ErrorBox error={new Error(`There is no settings section “${slug}”.`)} />
      )}
    </Page>
  )
}
