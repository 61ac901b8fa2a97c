import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { agentGuid } from '@agenttrail/protocol'
import { newEvent } from '../../../../../../test/helpers/events.js'
import { openSqliteStore } from '../../../store/sqlite/sqlite-store.js'
import type { Store } from '../../../store/store.js'
import { createAgentDirectory } from './wiro-agent.js'
import { enforcement } from '../../../control/engine.js'

describe('the Wiro agent directory', () => {
  let store: Store
  let scans: number
  let directory: ReturnType<typeof createAgentDirectory>
  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:', enforce: enforcement })
    scans = 0
    // Counts the scans of an org's whole agent list (a lookup of one agent names it).
    const events = {
      ...store.events,
      agents: (orgId: string, filter: { name?: string }) => (
        (scans += filter.name ? 0 : 1),
        store.events.agents(orgId, filter)
      ),
    }
    directory = createAgentDirectory({ events })
  })
  afterEach(() => store.close())
  const add = (orgId: string, agent: string, environment = 'production') =>
    store.events.append([{ orgId, event: newEvent({ agent, environment }) }])

  it('hashes the org’s agents once, not on every request', async () => {
    await add('org-a', 'one')
    await add('org-a', 'two', 'staging')
    for (let i = 0; i < 5; i++) {
      expect(await directory.ref('org-a', agentGuid('org-a', 'production', 'one'))).toEqual({
        orgId: 'org-a',
        environment: 'production',
        name: 'one',
      })
      expect(
        (await directory.resolve('org-a', agentGuid('org-a', 'staging', 'two'))).summary,
      ).toMatchObject({ name: 'two', events: 1 })
    }
    expect(scans).toBe(1)
  })

  it('finds an agent that appeared after the org was hashed, with one more scan', async () => {
    await add('org-a', 'one')
    await directory.ref('org-a', agentGuid('org-a', 'production', 'one'))
    await add('org-a', 'late')
    expect(
      (await directory.resolve('org-a', agentGuid('org-a', 'production', 'late'))).ref.name,
    ).toBe('late')
    expect(scans).toBe(2)
  })

  it('answers useragent-access-denied for another org’s agent and an unknown guid, and scans once for concurrent misses', async () => {
    await add('org-b', 'theirs')
    const denied = { name: 'AppError', code: 'forbidden', message: 'useragent-access-denied' }
    await expect(
      directory.ref('org-a', agentGuid('org-b', 'production', 'theirs')),
    ).rejects.toMatchObject(denied)
    scans = 0
    const misses = await Promise.allSettled(
      [1, 2, 3].map(() => directory.ref('org-a', 'no-such-guid')),
    )
    expect(misses.map((m) => m.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(scans).toBe(1)
  })
})
