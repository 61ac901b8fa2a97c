import type pg from 'pg'
import { applySettingsPatch, parseOrgSettings } from '../../orgs/org-settings.js'
import type { OrgSettings, OrgSettingsPatch } from '../../orgs/org-settings.js'
import { withTransaction } from './postgres-tx.js'

/** One org's settings document on PostgreSQL (see OrgStore in store.ts). */
export function createPostgresOrgSettings(pool: pg.Pool) {
  return {
    async settings(orgId: string): Promise<OrgSettings> {
      const { rows } = await pool.query<{ settings: string }>(
        'SELECT settings FROM orgs WHERE id = $1',
        [orgId],
      )
      return parseOrgSettings(rows[0]?.settings)
    },
    /**
     * The org row is locked while the stored document is read, merged and written, so concurrent
     * changes from any server process apply one after the other and none is lost. The lock is the
     * one appends take for `next_seq`: an org's appends wait for this short transaction.
     */
    async updateSettings(orgId: string, patch: OrgSettingsPatch): Promise<OrgSettings> {
      return withTransaction(
        pool,
        async (client) => {
          const { rows } = await client.query<{ settings: string }>(
            'SELECT settings FROM orgs WHERE id = $1',
            [orgId],
          )
          const next = applySettingsPatch(parseOrgSettings(rows[0]?.settings), patch)
          await client.query('UPDATE orgs SET settings = $2 WHERE id = $1', [
            orgId,
            JSON.stringify(next),
          ])
          return next
        },
        { lockOrg: orgId },
      )
    },
  }
}
