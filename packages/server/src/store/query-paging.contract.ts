import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newEvent, seeded } from '../../../../test/helpers/events.js'
import type { EventFilter, Store } from './store.js'

/** Counting, offset paging and the action substring filter (the AgentLedger list), on every store. */
export function describeQueryPagingContract(
  name: string,
  open: () => Promise<Store> | Store,
): void {
  describe(`store contract: ${name}: count, offset and action search`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(() => store.close())

    const base = Date.UTC(2026, 5, 1)
    const actions = ['Send_Email', 'send_sms', 'charge', 'refund_50%', 'a_b', 'aXb']
    async function load() {
      const random = seeded(11)
      const fields = Array.from({ length: 120 }, (_, i) => ({
        ts: base + Math.floor(random() * 86_400_000),
        agent: random() < 0.5 ? 'x' : 'y',
        action: actions[i % actions.length],
        status: random() < 0.2 ? 'error' : 'success',
        environment: random() < 0.3 ? 'staging' : 'production',
      }))
      await store.events.append(fields.map((f) => ({ orgId: 'org-a', event: newEvent(f) })))
      await store.events.append([
        { orgId: 'org-b', event: newEvent({ ts: base, agent: 'x', action: 'charge' }) },
      ])
      return fields
    }

    it('counts exactly what the filters match, org by org', async () => {
      const fields = await load()
      const cases: Array<[EventFilter, (f: (typeof fields)[number]) => boolean]> = [
        [{}, () => true],
        [{ agent: 'x' }, (f) => f.agent === 'x'],
        [
          { status: 'error', environment: 'staging' },
          (f) => f.status === 'error' && f.environment === 'staging',
        ],
        [
          { from: base + 3_600_000, to: base + 7_200_000 },
          (f) => f.ts >= base + 3_600_000 && f.ts < base + 7_200_000,
        ],
        [{ actionContains: 'SEND' }, (f) => /send/i.test(f.action as string)],
        // Wildcards are literal: `%` and `_` match only themselves.
        [{ actionContains: '%' }, (f) => (f.action as string).includes('%')],
        [{ actionContains: 'a_b' }, (f) => f.action === 'a_b'],
      ]
      for (const [filter, expected] of cases)
        expect(await store.events.count('org-a', filter), JSON.stringify(filter)).toBe(
          fields.filter(expected).length,
        )
      expect(await store.events.count('org-b', {})).toBe(1)
    })

    it('pages by offset in the same order as by cursor, with filters', async () => {
      await load()
      const filter: EventFilter = { actionContains: 's' }
      const byCursor: string[] = []
      let after
      do {
        const page = await store.events.query('org-a', filter, { limit: 9, after })
        byCursor.push(...page.items.map((e) => e.id))
        after = page.next
      } while (after)
      expect(byCursor).toHaveLength(await store.events.count('org-a', filter))
      const byOffset: string[] = []
      for (let offset = 0; offset < byCursor.length; offset += 9)
        byOffset.push(
          ...(await store.events.query('org-a', filter, { limit: 9, offset })).items.map(
            (e) => e.id,
          ),
        )
      expect(byOffset).toEqual(byCursor)
      const last = await store.events.query('org-a', filter, {
        limit: 9,
        offset: byCursor.length - 2,
      })
      expect(last.items).toHaveLength(2)
      expect(last.next).toBeUndefined()
    })
  })
}
