import type { LimitChunk } from './limits-stores.js'

export const SQLITE_LIMITS: Record<
  'floor' | 'indexes' | 'search',
  { indexes: boolean; fts: boolean; label: string }
>
export const POSTGRES_LIMITS: Record<
  'copy' | 'staged' | 'vector' | 'search',
  { staged: boolean; vector: boolean; gin: boolean; label: string }
>

interface Limit {
  us: number
  eps: number
}
export interface Limits {
  events: number
  sqlite: Record<keyof typeof SQLITE_LIMITS, Limit & { indexes: number }>
  postgres: Record<keyof typeof POSTGRES_LIMITS, Limit>
  parse: { single: number; batch: number; validate: number }
  settings: Record<string, string>
}

export function eventChunks(
  batchBody: string,
  now: number,
): Promise<{ first: { title: string | null; input: string | null }; next(): LimitChunk }>
export function runLimitsBench(options: {
  log: (...args: unknown[]) => void
  now?: number
  bodies?: { oneEvent: string; batchBody: string }
  pgBase?: string
}): Promise<{ markdown: string; limits: Limits }>
export function ingestRatioRows(
  ingest: {
    sqlite: { single: number; batch: number }
    postgres: { single: number; batch: number }
  },
  limits: Pick<Limits, 'sqlite' | 'postgres'>,
): string
