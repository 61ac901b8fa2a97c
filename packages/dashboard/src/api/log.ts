import { useQuery } from '@tanstack/react-query'
import { api, apiText } from './client'
import { CryptoUnavailable } from '../lib/integrity/bytes'
import { parseVerifierKey } from '../lib/integrity/signed-note'
import type { VerifierKey } from '../lib/integrity/signed-note'
import type { LogKey, LogStatus } from './log-types'

export type { CheckpointRow, LogKey, LogStatus } from './log-types'

export const LOG_KEY = ['log'] as const

/**
 * The log's status, read every 2 s while events wait for a checkpoint (one is due within about a
 * second) and every 10 s otherwise; new events on the live stream also refresh it.
 */
export function useLogStatus() {
  return useQuery({
    queryKey: [...LOG_KEY, 'status'],
    queryFn: ({ signal }) => api<LogStatus>('/api/v1/log/status', { signal }),
    refetchInterval: (q) => ((q.state.data?.lag_events ?? 0) > 0 ? 2_000 : 10_000),
    staleTime: 0,
  })
}

/** The published keys, each with its verifier key read (and its key id checked) in the browser. */
export function useLogKeys() {
  return useQuery({
    queryKey: [...LOG_KEY, 'keys'],
    queryFn: async ({ signal }) => {
      const { keys } = await api<{ keys: LogKey[] }>('/api/v1/log/keys', { signal })
      const parsed: VerifierKey[] = []
      try {
        for (const k of keys) parsed.push(await parseVerifierKey(k.vkey))
      } catch (e) {
        // Without WebCrypto no key id can be checked: the keys are listed, and the checks that
        // need them say they were not made.
        if (!(e instanceof CryptoUnavailable)) throw e
        return { keys, parsed: [] }
      }
      return { keys, parsed }
    },
    staleTime: 60_000,
  })
}

/**
 * The latest signed checkpoint note, read again when the status names a newer one (by its time);
 * `null` while the status says there is none, so nothing asks for a note that does not exist.
 */
export function useLatestNote(createdAt: string | null | undefined) {
  return useQuery({
    queryKey: [...LOG_KEY, 'checkpoint', createdAt ?? null],
    queryFn: ({ signal }) =>
      createdAt ? apiText('/api/v1/log/checkpoint', { signal }) : Promise.resolve(null),
    enabled: createdAt !== undefined,
    staleTime: 60_000,
  })
}
