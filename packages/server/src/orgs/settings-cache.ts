import type { OrgSettings } from '../store/org-settings.js'
import type { OrgStore } from '../store/store.js'

export interface SettingsCache {
  get(orgId: string): Promise<OrgSettings>
  /** Stores new settings and forgets this process's cached copy. */
  set(orgId: string, settings: OrgSettings): Promise<void>
}

/**
 * Org settings read on every ingest, cached per process for `ttlMs` (default 5000 ms). A change made
 * through this process applies at once; other processes sharing a PostgreSQL database see it
 * within `ttlMs`.
 */
export function createSettingsCache(orgs: OrgStore, options: { ttlMs?: number; now?: () => number } = {}): SettingsCache {
  const { ttlMs = 5_000, now = Date.now } = options
  const cached = new Map<string, { at: number; value: Promise<OrgSettings> }>()
  return {
    get(orgId) {
      const hit = cached.get(orgId)
      if (hit && hit.at > now() - ttlMs) return hit.value
      const value = orgs.settings(orgId)
      cached.set(orgId, { at: now(), value })
      value.catch(() => cached.delete(orgId))
      return value
    },
    async set(orgId, settings) {
      await orgs.setSettings(orgId, settings)
      cached.delete(orgId)
    },
  }
}
