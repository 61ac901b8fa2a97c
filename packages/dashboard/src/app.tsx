import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query'
import { Suspense, useEffect } from 'react'
import { Link, Route, Switch, useLocation } from 'wouter'
import { api, onUnauthorized } from './api/client'
import { signOut, useResetSession, useSession } from './api/session'
import { liveStream, useStreamFrames, useStreamStatus } from './api/stream'
import { ErrorBox, Loading } from './components/page'
import { hrefWithEnv, useEnvironment, useUrlState } from './lib/url-state'
import { SignIn } from './sign-in'
import { VIEWS } from './views/registry'

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 15_000, refetchOnWindowFocus: true, retry: 1 } },
})

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Gate />
    </QueryClientProvider>
  )
}

/** Signed in: the shell. Signed out (or the session ended): the sign-in form. */
function Gate() {
  const session = useSession()
  const reset = useResetSession()
  useEffect(() => onUnauthorized(() => void reset()), [reset])
  if (session.isPending) return <Loading what="Opening AgentTrail" />
  if (session.error) return <ErrorBox error={session.error} />
  if (!session.data) return <SignIn />
  return <Shell />
}

function Shell() {
  const env = useEnvironment()
  const [location] = useLocation()
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href={hrefWithEnv('/', env)} className="brand">
          AgentTrail
        </Link>
        <EnvironmentSelect />
        <LiveIndicator />
        <SessionMenu />
      </header>
      <nav className="sidenav" aria-label="Views">
        <ul>
          {VIEWS.filter((v) => v.nav).map((v) => {
            const active = v.path === '/' ? location === '/' : location.startsWith(v.path)
            return (
              <li key={v.path}>
                <Link href={hrefWithEnv(v.path, env)} aria-current={active ? 'page' : undefined}>
                  {v.nav}
                </Link>
              </li>
            )
          })}
        </ul>
      </nav>
      <main id="main" className="main">
        <Suspense fallback={<Loading />}>
          <Switch>
            {VIEWS.map((v) => (
              <Route key={v.path} path={v.path} component={v.component} />
            ))}
            <Route>
              <ErrorBox error={new Error(`There is no view at ${location}.`)} />
            </Route>
          </Switch>
        </Suspense>
      </main>
    </div>
  )
}

/** The environments the org's agents were seen in, from `GET /api/v1/agents`. */
function EnvironmentSelect() {
  const [params, set] = useUrlState()
  const agents = useQuery({
    queryKey: ['agents', 'all'],
    queryFn: () => api<{ agents: { environment: string }[] }>('/api/v1/agents'),
  })
  const envs = [...new Set((agents.data?.agents ?? []).map((a) => a.environment))].sort()
  const current = params.environment ?? ''
  if (current && !envs.includes(current)) envs.push(current)
  return (
    <label className="env-select">
      <span>Environment</span>
      <select
        value={current}
        onChange={(e) => set({ environment: e.target.value || null }, { push: true })}
      >
        <option value="">All environments</option>
        {envs.map((e) => (
          <option key={e} value={e}>
            {e}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The stream stays open while signed in, so every view is live and the indicator is true. */
function LiveIndicator() {
  useStreamFrames(ignoreFrame)
  const status = useStreamStatus()
  const text = status === 'live' ? 'Live' : status === 'off' ? 'Not live' : 'Connecting'
  return (
    <span
      className={`live live-${status}`}
      role="status"
      aria-live="polite"
      title="Live stream of new events"
    >
      {text}
    </span>
  )
}

const ignoreFrame = () => {}

function SessionMenu() {
  const session = useSession().data
  const reset = useResetSession()
  const [, navigate] = useLocation()
  return (
    <div className="session">
      <span className="muted" title={`Scopes: ${session?.key.scopes.join(', ')}`}>
        {session?.org_id} · {session?.key.name} ({session?.key.scopes.join(', ')})
      </span>
      <button
        type="button"
        onClick={() =>
          void (async () => {
            liveStream.close()
            await signOut().catch(() => undefined)
            navigate('/')
            await reset()
          })()
        }
      >
        Sign out
      </button>
    </div>
  )
}
