import { useCallback, useMemo } from 'react'
import { useLocation, useSearch } from 'wouter'

export type UrlPatch = Record<string, string | number | null | undefined>

/** `?a=1&b=2` from a patch over current params; null, undefined and '' remove a key. */
export function mergeSearch(current: string, patch: UrlPatch): string {
  const params = new URLSearchParams(current)
  for (const [k, v] of Object.entries(patch))
    if (v === null || v === undefined || v === '') params.delete(k)
    else params.set(k, String(v))
  const s = params.toString()
  return s ? `?${s}` : ''
}

/**
 * The view's filters, kept in the URL query so a view can be shared, bookmarked and restored with
 * the back button. `set` merges a patch; filter changes replace the history entry unless `push`.
 */
export function useUrlState(): [
  Record<string, string>,
  (patch: UrlPatch, options?: { push?: boolean }) => void,
] {
  const search = useSearch()
  const [location, navigate] = useLocation()
  const params = useMemo(() => Object.fromEntries(new URLSearchParams(search)), [search])
  const set = useCallback(
    (patch: UrlPatch, options: { push?: boolean } = {}) =>
      navigate(`${location}${mergeSearch(search, patch)}`, { replace: !options.push }),
    [location, navigate, search],
  )
  return [params, set]
}

/** The environment chosen in the header (`?environment=`), or undefined for all. */
export function useEnvironment(): string | undefined {
  return useUrlState()[0].environment || undefined
}

/** A link target that keeps the chosen environment: `/events?environment=prod&agent=x`. */
export function hrefWithEnv(path: string, environment: string | undefined, extra: UrlPatch = {}) {
  const [base, query = ''] = path.split('?')
  return `${base}${mergeSearch(query, { environment, ...extra })}`
}
