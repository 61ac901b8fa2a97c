import { lazy } from 'react'
import type { ComponentType, LazyExoticComponent } from 'react'

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
  { path: '/agents/:name', component: lazy(() => import('./agents/agent-view')) },
  { path: '/agents', nav: 'Agents', component: lazy(() => import('./agents/agents-view')) },
  { path: '/control/:tab', component: lazy(() => import('./control/control-view')) },
  { path: '/control', nav: 'Control', component: lazy(() => import('./control/control-view')) },
  { path: '/alerts', nav: 'Alerts', component: lazy(() => import('./alerts/alerts-view')) },
]
