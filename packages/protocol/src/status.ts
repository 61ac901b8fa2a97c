/** The four statuses of an event. Words of the reference products map onto them. */
export const EVENT_STATUSES = ['success', 'error', 'pending', 'denied'] as const
export type EventStatus = (typeof EVENT_STATUSES)[number]

const ALIASES: Readonly<Record<string, EventStatus>> = {
  success: 'success',
  ok: 'success',
  error: 'error',
  failed: 'error',
  failure: 'error',
  pending: 'pending',
  denied: 'denied',
  blocked: 'denied',
}

/** Words accepted on ingest, in the order documented. */
export const ACCEPTED_STATUS_WORDS = Object.keys(ALIASES)

/**
 * Maps a status word (case-insensitive) onto one of the four statuses, or `undefined` when the word
 * is not known. The caller keeps the original word in `metadata.original_status` when it differs.
 */
export function normalizeStatus(word: string): EventStatus | undefined {
  return ALIASES[word.toLowerCase()]
}
