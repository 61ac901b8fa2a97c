import type { OrgSettings, OrgSettingsPatch } from './org-settings.js'

/** Where settings are kept: the store's `OrgStore` implements it. */
export interface SettingsSource {
  settings(orgId: string): Promise<OrgSettings>
  /** Applies a partial change atomically and returns the settings after it. */
  updateSettings(orgId: string, patch: OrgSettingsPatch): Promise<OrgSettings>
}

export interface SettingsCache {
  get(orgId: string): Promise<OrgSettings>
  /**
   * Applies a partial change to the stored settings (atomically, see `OrgStore.updateSettings`),
   * forgets this process's cached copy and returns the settings after the change.
   */
  update(orgId: string, patch: OrgSettingsPatch): Promise<OrgSettings>
}

/**
 * Org settings read on every ingest, cached per process for `ttlMs` (default 5000 ms). A change made
 * through this process applies at once; other processes sharing a PostgreSQL database, and the
 * server after `agenttrail orgs plan` changed the store directly, see it within `ttlMs`.
 */
export function createSettingsCache(
  orgs: SettingsSource,
  options: { ttlMs?: number; now?: () => number } = {},
): SettingsCache {
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
    async update(orgId, patch) {
      const next = await orgs.updateSettings(orgId, patch)
      cached.delete(orgId)
      return next
    },
  }
}
