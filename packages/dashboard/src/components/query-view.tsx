import type { UseQueryResult } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { ErrorBox, Loading } from './page'

/**
 * A list's three states before its rows: loading, the API's error, and empty (with what to do
 * next); `children` renders the rows once there are some.
 */
export function QueryView<T>({
  query,
  loading,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>
  loading: string
  isEmpty: (data: T) => boolean
  empty: ReactNode
  children: (data: T) => ReactNode
}) {
  if (query.isPending) return <Loading what={loading} />
  if (!query.isSuccess) return <ErrorBox error={query.error} />
  return <>{isEmpty(query.data) ? empty : children(query.data)}</>
}
