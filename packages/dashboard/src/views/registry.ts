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
  {
    path: '/conversations/:id',
    component: lazy(() => import('./conversations/conversation-view')),
  },
  {
    path: '/conversations',
    nav: 'Conversations',
    component: lazy(() => import('./conversations/conversations-view')),
  },
  { path: '/stats', nav: 'Stats', component: lazy(() => import('./stats/stats-view')) },
  {
    path: '/evaluations',
    nav: 'Evaluations',
    component: lazy(() => import('./evaluations/evaluations-view')),
  },
]
