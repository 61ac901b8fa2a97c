import type { ApiKeyRecord, Scope } from './store.js'

/** An api_keys row as both dialects return it (times in ms, as numbers or bigint strings). */
export interface KeyRow {
  id: string
  org_id: string
  name: string
  description: string | null
  key_prefix: string
  scopes: string
  created_at: number | string
  last_used_at: number | string | null
  revoked_at: number | string | null
  rotated_from: string | null
}

export const KEY_COLUMNS =
  'id, org_id, name, description, key_prefix, scopes, created_at, last_used_at, revoked_at, rotated_from'

const iso = (ms: number | string | null) =>
  ms === null ? null : new Date(Number(ms)).toISOString()

export function toKeyRecord(row: KeyRow): ApiKeyRecord {
  return {
    ...row,
    scopes: JSON.parse(row.scopes) as Scope[],
    created_at: iso(row.created_at) as string,
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
  }
}
