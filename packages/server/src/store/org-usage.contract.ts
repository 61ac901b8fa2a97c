import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '@agenttrail/protocol'
import type { Event } from '@agenttrail/protocol'
import { newEvent } from '../../../../test/helpers/events.js'
import type { Store } from './store.js'
import { usageMonth } from './usage-month.js'
import { eraseRange } from '../../../../test/helpers/erasure.js'

const YEAR_MS = 365 * 86_400_000

/**
 * The org-level behaviour the plans rely on, on every store: the monthly usage counter (by receive
 * month, without duplicates, kept through deletes), the idempotency lookup that lets a replay skip
 * the gates, and settings changes that never lose a concurrent one.
 */
export function describeOrgUsageContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`store contract: ${name}: org usage, idempotency lookup, settings changes`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(async () => {
      await store.close()
    })
    const append = (orgId: string, events: Array<Record<string, unknown>>) =>
      store.events.append(events.map((fields) => ({ orgId, event: newEvent(fields) })))
    /** Brute force: every stored event of the org, grouped by the month of its `received_at`. */
    const byReceiveMonth = async (orgId: string) => {
      const events: Event[] = []
      let after
      do {
        const page = await store.events.query(orgId, {}, { limit: 50, after })
        events.push(...page.items)
        after = page.next
      } while (after)
      const months = new Map<string, number>()
      for (const e of events)
        months.set(
          usageMonth(Date.parse(e.received_at)),
          (months.get(usageMonth(Date.parse(e.received_at))) ?? 0) + 1,
        )
      return months
    }

    it('counts appended events by receive month, org by org, whatever their ts, and never a duplicate id', async () => {
      const now = Date.now()
      const month = usageMonth(now)
      const id = uuidv7()
      await append('org-a', [
        { id, agent: 'a' },
        { ts: now - 2 * YEAR_MS },
        { ts: now - 40 * 86_400_000 },
        { agent: 'b' },
      ])
      await append('org-b', [{ agent: 'x' }])
      // A duplicate of a stored id, and one repeated inside a batch, are not counted again.
      const again = uuidv7()
      const receipts = await append('org-a', [{ id }, { id: again }, { id: again }, {}])
      expect(receipts.map((r) => r.duplicate)).toEqual([true, false, true, false])
      expect(await store.orgs.usage('org-a', month)).toBe(6)
      expect(await store.orgs.usage('org-b', month)).toBe(1)
      for (const org of ['org-a', 'org-b']) {
        const counted = await byReceiveMonth(org)
        for (const [m, n] of counted) expect(await store.orgs.usage(org, m)).toBe(n)
      }
      // A backdated ts counts in the month it arrived, not in its own.
      expect(await store.orgs.usage('org-a', usageMonth(now - 2 * YEAR_MS))).toBe(0)
      expect(await store.orgs.usage('org-c', month)).toBe(0)
    })

    it('does not count the server’s own records as the org’s usage', async () => {
      const month = usageMonth(Date.now())
      await store.events.append([
        {
          orgId: 'org-a',
          event: newEvent({ kind: 'audit', action: 'policy.created' }),
          system: true,
        },
        { orgId: 'org-a', event: newEvent({ agent: 'a' }) },
      ])
      expect(await store.orgs.usage('org-a', month)).toBe(1)
      expect(await byReceiveMonth('org-a')).toEqual(new Map([[month, 2]]))
    })

    it('keeps deleted events counted: usage is what was consumed', async () => {
      const now = Date.now()
      await append('org-a', [{ agent: 'a' }, { agent: 'a' }, { agent: 'b', ts: now - YEAR_MS }])
      expect(await eraseRange(store, 'org-a', { from: 0, to: now + YEAR_MS })).toBe(3)
      expect(await store.orgs.usage('org-a', usageMonth(now))).toBe(3)
      await append('org-a', [{ agent: 'a' }])
      expect(await store.orgs.usage('org-a', usageMonth(now))).toBe(4)
      // The new event and the erasure's tombstone, which is not usage.
      expect(await byReceiveMonth('org-a')).toEqual(new Map([[usageMonth(now), 2]]))
    })

    it('looks up a live idempotency claim without making one', async () => {
      const now = Date.now()
      expect(await store.idempotency.lookup('org-a', 'k1', 'h1', now, 1000)).toBeUndefined()
      // Looking up claimed nothing: the first claim is still new.
      expect(await store.idempotency.claim('org-a', 'k1', 'h1', ['i1', ''], now, 1000)).toEqual({
        state: 'new',
        ids: ['i1', ''],
      })
      expect(await store.idempotency.lookup('org-a', 'k1', 'h1', now + 1, 1000)).toEqual({
        state: 'replay',
        ids: ['i1', ''],
      })
      expect(await store.idempotency.lookup('org-a', 'k1', 'h2', now + 1, 1000)).toEqual({
        state: 'mismatch',
      })
      expect(await store.idempotency.lookup('org-b', 'k1', 'h1', now + 1, 1000)).toBeUndefined()
      // Expired under the same rule as claim: at now - ttl a new claim may take the key.
      expect(await store.idempotency.lookup('org-a', 'k1', 'h1', now + 1000, 1000)).toBeUndefined()
      expect(await store.idempotency.claim('org-a', 'k1', 'h2', ['i2'], now + 1000, 1000)).toEqual({
        state: 'new',
        ids: ['i2'],
      })
    })

    it('applies concurrent settings changes of different keys without losing one, creating the org', async () => {
      expect(await store.orgs.exists('org-new')).toBe(false)
      await Promise.all([
        store.orgs.updateSettings('org-new', { plan: { logs_per_month: 5 } }),
        store.orgs.updateSettings('org-new', { plan: { retention_days: 9 } }),
        store.orgs.updateSettings('org-new', { plan: { requests_per_minute: 7 } }),
        store.orgs.updateSettings('org-new', { plan: { name: 'own' } }),
        store.orgs.updateSettings('org-new', { require_registered_agents: true }),
        store.orgs.updateSettings('org-new', { redaction: { field_names: ['ssn'] } }),
        store.orgs.updateSettings('org-new', { redaction: { enabled: false } }),
      ])
      expect(await store.orgs.exists('org-new')).toBe(true)
      expect(await store.orgs.settings('org-new')).toEqual({
        plan: { name: 'own', logs_per_month: 5, retention_days: 9, requests_per_minute: 7 },
        require_registered_agents: true,
        redaction: { enabled: false, field_names: ['ssn'], allow_field_names: [] },
      })
      // A key given as undefined is absent; null clears a limit; the result is what was stored.
      const after = await store.orgs.updateSettings('org-new', {
        plan: { logs_per_month: null, retention_days: undefined },
      })
      expect(after.plan).toEqual({
        name: 'own',
        logs_per_month: null,
        retention_days: 9,
        requests_per_minute: 7,
      })
      expect(await store.orgs.settings('org-new')).toEqual(after)
    })
  })
}
