import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newEvent } from '../../../../test/helpers/events.js'
import type { Store } from './store.js'
import { DAY_MS } from './time-buckets.js'
import { eraseRange } from '../../../../test/helpers/erasure.js'

/** What the maintenance jobs need of every store: the oldest event, prompt cleanup on delete, leadership. */
export function describeMaintenanceContract(
  name: string,
  open: () => Promise<Store> | Store,
): void {
  describe(`store contract: ${name}: retention and erasure`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(() => store.close())

    const day = Date.UTC(2026, 4, 1)
    const append = (orgId: string, events: Array<Record<string, unknown>>) =>
      store.events.append(events.map((fields) => ({ orgId, event: newEvent(fields) })))
    const prompt = (orgId: string, text: string) =>
      store.conversations.systemPrompt(
        orgId,
        newEvent({ system_prompt: text }).system_prompt_sha256 as string,
      )

    it('finds the oldest event of an org, before 1970 too, and nothing for an org without events', async () => {
      expect(await store.events.oldest('org-a')).toBeUndefined()
      await append('org-a', [{ ts: day }, { ts: day - 5 }, { ts: day + 5 }])
      await append('org-b', [{ ts: '1969-07-20T20:17:40Z' }])
      expect(await store.events.oldest('org-a')).toBe(day - 5)
      expect(await store.events.oldest('org-b')).toBe(Date.parse('1969-07-20T20:17:40Z'))
      await eraseRange(store, 'org-a', { from: day - 5, to: day })
      expect(await store.events.oldest('org-a')).toBe(day)
    })

    it('removes with the deleted events the system prompts no remaining event of the org references', async () => {
      await append('org-a', [
        { ts: day, agent: 'x', kind: 'llm_call', system_prompt: 'only on day one' },
        { ts: day + 1, agent: 'x', kind: 'llm_call', system_prompt: 'on both days' },
        { ts: day + DAY_MS, agent: 'x', kind: 'llm_call', system_prompt: 'on both days' },
        { ts: day + 2, agent: 'y', kind: 'llm_call', system_prompt: 'another agent' },
      ])
      // The same text in another org is that org's own copy.
      await append('org-b', [{ ts: day, kind: 'llm_call', system_prompt: 'only on day one' }])
      expect(await eraseRange(store, 'org-a', { from: day, to: day + DAY_MS, agent: 'x' })).toBe(2)
      expect(await prompt('org-a', 'only on day one')).toBeUndefined()
      expect(await prompt('org-a', 'on both days')).toBe('on both days')
      expect(await prompt('org-a', 'another agent')).toBe('another agent')
      expect(await prompt('org-b', 'only on day one')).toBe('only on day one')
      await eraseRange(store, 'org-a', { from: day, to: day + 2 * DAY_MS })
      expect(await prompt('org-a', 'on both days')).toBeUndefined()
      expect(await prompt('org-a', 'another agent')).toBeUndefined()
      // A prompt sent again after its cleanup is stored again.
      await append('org-a', [{ ts: day, kind: 'llm_call', system_prompt: 'on both days' }])
      expect(await prompt('org-a', 'on both days')).toBe('on both days')
    })

    it('keeps a prompt that an event referencing it by hash alone still uses', async () => {
      const [first] = await append('org-a', [
        { ts: day, kind: 'llm_call', system_prompt: 'shared by hash' },
      ])
      const sha = (await store.events.get('org-a', first!.id))!.system_prompt_sha256
      await append('org-a', [{ ts: day + DAY_MS, kind: 'llm_call', system_prompt_sha256: sha }])
      await eraseRange(store, 'org-a', { from: day, to: day + 1 })
      expect(await prompt('org-a', 'shared by hash')).toBe('shared by hash')
    })

    it('lets one store lead a job, asked again and again', async () => {
      expect(await store.tryLead('maintenance')).toBe(true)
      expect(await store.tryLead('maintenance')).toBe(true)
      expect(await store.tryLead('another job')).toBe(true)
    })
  })
}
