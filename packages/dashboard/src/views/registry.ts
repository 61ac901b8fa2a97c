import { lazy } from 'react'
import type { ComponentType, LazyExoticComponent } from 'react'

const settingsView = lazy(() => import('./settings/settings-view'))
const controlView = lazy(() => import('./control/control-view'))

/** One view: its path pattern (wouter), the nav label (none = not in the nav) and its component. */
export interface ViewEntry {
  path: string
  nav?: string
  component: LazyExoticComponent<ComponentType>
}

/**
 * Every view, loaded lazily so the first page downloads only the shell and the view it shows.
 * Order is the navigation's order; more specific paths come before their prefixes.
 */
export const VIEWS: ViewEntry[] = [
  { path: '/', nav: 'Overview', component: lazy(() => import('./overview/overview-view')) },
  {
    path: '/events/:id',
    component: lazy(() => import('./links').then((m) => ({ default: m.EventLink }))),
  },
  { path: '/events', nav: 'Events', component: lazy(() => import('./events/events-view')) },
  {
    path: '/conversations/:id',
    component: lazy(() => import('./conversations/conversation-view')),
  },
  {
    path: '/conversations',
    nav: 'Conversations',
    component: lazy(() => import('./conversations/conversations-view')),
  },
  { path: '/traces/:id', component: lazy(() => import('./traces/trace-view')) },
  { path: '/traces', nav: 'Traces', component: lazy(() => import('./traces/traces-view')) },
  {
    path: '/agents/:env/:name',
    component: lazy(() => import('./links').then((m) => ({ default: m.AgentLink }))),
  },
  { path: '/agents/:name', component: lazy(() => import('./agents/agent-view')) },
  { path: '/agents', nav: 'Agents', component: lazy(() => import('./agents/agents-view')) },
  {
    path: '/approvals/:id',
    component: lazy(() => import('./links').then((m) => ({ default: m.ApprovalLink }))),
  },
  { path: '/control/:tab', component: controlView },
  { path: '/control', nav: 'Control', component: controlView },
  { path: '/alerts', nav: 'Alerts', component: lazy(() => import('./alerts/alerts-view')) },
  {
    path: '/evaluations',
    nav: 'Evaluations',
    component: lazy(() => import('./evaluations/evaluations-view')),
  },
  { path: '/stats', nav: 'Stats', component: lazy(() => import('./stats/stats-view')) },
  {
    path: '/integrity',
    nav: 'Integrity',
    component: lazy(() => import('./integrity/integrity-view')),
  },
  { path: '/settings/:section', component: settingsView },
  { path: '/settings', nav: 'Settings', component: settingsView },
]
