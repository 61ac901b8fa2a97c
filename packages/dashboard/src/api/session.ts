import { useQuery, useQueryClient } from '@tanstack/react-query'
import { api, ApiError } from './client'

/** What `GET /api/v1/session` answers: who is signed in, with which key and scopes. */
export interface Session {
  org_id: string
  key: { id: string; name: string; prefix: string; scopes: string[] }
  expires_at: string
  base_url: string
}

export const SESSION_KEY = ['session'] as const

/** The current session; `null` when signed out. */
export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<Session | null> => {
      try {
        return await api<Session>('/api/v1/session')
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null
        throw e
      }
    },
    staleTime: 60_000,
    retry: false,
  })
}

/**
 * Exchanges the key for an HttpOnly session cookie. The key lives only in this call's arguments:
 * it is never written to storage, state that outlives the form, or a URL.
 */
export async function signIn(apiKey: string): Promise<Session> {
  return api<Session>('/api/v1/session', { method: 'POST', body: { api_key: apiKey } })
}

export async function signOut(): Promise<void> {
  await api<void>('/api/v1/session', { method: 'DELETE' })
}

/** Whether the session's key grants `scope` (`admin` grants every scope). */
export function hasScope(session: Session | null | undefined, scope: string): boolean {
  const scopes = session?.key.scopes ?? []
  return scopes.includes(scope) || scopes.includes('admin')
}

/**
 * Forgets every cached answer (they belonged to the previous session) and asks again who is signed
 * in, after sign-in, sign-out or a 401.
 */
export function useResetSession() {
  const client = useQueryClient()
  return async () => {
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] })
    await client.resetQueries({ queryKey: SESSION_KEY })
  }
}
