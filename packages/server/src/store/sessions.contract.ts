import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey, hashKey, rotateApiKey } from '../auth/api-keys.js'
import type { ApiKeyRecord, Store } from './store.js'

/** What every store must do with dashboard sessions: find while live, die with the key, prune. */
export function describeSessionsContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`store contract: ${name}: sessions`, () => {
    let store: Store
    let key: ApiKeyRecord
    beforeEach(async () => {
      store = await open()
      key = await createApiKey(store.keys, { orgId: 'org-a', name: 'ops', scopes: ['read'] })
    })
    afterEach(() => store.close())

    const now = Date.UTC(2026, 4, 1, 12)
    const hour = 3_600_000

    it('finds a session with its key and expiry until it expires', async () => {
      await store.keys.insertSession(
        { tokenHash: hashKey('cookie-1'), keyId: key.id, expiresAt: now + hour },
        now,
      )
      const found = await store.keys.findSession(hashKey('cookie-1'), now + hour - 1)
      expect(found?.expiresAt).toBe(now + hour)
      expect(found?.key).toEqual(await store.keys.get(key.id))
      expect(await store.keys.findSession(hashKey('cookie-1'), now + hour)).toBeUndefined()
      expect(await store.keys.findSession(hashKey('cookie-2'), now)).toBeUndefined()
    })

    it('deletes a session, and says whether there was one', async () => {
      await store.keys.insertSession(
        { tokenHash: hashKey('cookie-1'), keyId: key.id, expiresAt: now + hour },
        now,
      )
      expect(await store.keys.deleteSession(hashKey('cookie-1'))).toBe(true)
      expect(await store.keys.findSession(hashKey('cookie-1'), now)).toBeUndefined()
      expect(await store.keys.deleteSession(hashKey('cookie-1'))).toBe(false)
    })

    it('ends the sessions of a key that is revoked or rotated', async () => {
      const other = await createApiKey(store.keys, { orgId: 'org-a', name: 'x', scopes: ['read'] })
      for (const [cookie, keyId] of [
        ['of-key', key.id],
        ['of-other', other.id],
      ] as const)
        await store.keys.insertSession(
          { tokenHash: hashKey(cookie), keyId, expiresAt: now + hour },
          now,
        )
      expect(await store.keys.revoke(key.id)).toBe(true)
      expect(await store.keys.findSession(hashKey('of-key'), now)).toBeUndefined()
      expect(await store.keys.findSession(hashKey('of-other'), now)).toBeDefined()
      await rotateApiKey(store.keys, other.id)
      expect(await store.keys.findSession(hashKey('of-other'), now)).toBeUndefined()
    })

    it('drops expired sessions when a new one is stored, and keeps live ones', async () => {
      await store.keys.insertSession(
        { tokenHash: hashKey('old'), keyId: key.id, expiresAt: now + hour },
        now,
      )
      await store.keys.insertSession(
        { tokenHash: hashKey('live'), keyId: key.id, expiresAt: now + 3 * hour },
        now,
      )
      await store.keys.insertSession(
        { tokenHash: hashKey('new'), keyId: key.id, expiresAt: now + 4 * hour },
        now + 2 * hour,
      )
      // The expired row is gone from the table, not only hidden by the expiry test.
      expect(await store.keys.deleteSession(hashKey('old'))).toBe(false)
      expect(await store.keys.deleteSession(hashKey('live'))).toBe(true)
      expect(await store.keys.findSession(hashKey('new'), now + 2 * hour)).toBeDefined()
    })
  })
}
