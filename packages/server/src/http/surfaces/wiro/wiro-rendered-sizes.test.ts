import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { activityFromEvent } from '@agenttrail/protocol'
import { newEvent } from '../../../../../../test/helpers/events.js'
import { openSqliteStore } from '../../../store/sqlite/sqlite-store.js'
import type { EventStore, Store } from '../../../store/store.js'
import { createRenderedSizes } from './wiro-rendered-sizes.js'
import { enforcement } from '../../../control/engine.js'

describe('rendered day sizes for LogsList', () => {
  const day = Date.UTC(2026, 4, 2)
  const agent = { orgId: 'org-a', environment: 'production', name: 'bot' }
  let store: Store
  let reads: number
  let events: EventStore
  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:', enforce: enforcement })
    reads = 0
    events = { ...store.events, query: (...args) => (reads++, store.events.query(...args)) }
  })
  afterEach(() => store.close())
  const add = (title: string, ts: number) =>
    store.events.append([{ orgId: 'org-a', event: newEvent({ agent: 'bot', title, ts }) }])
  /** The day as its archive file would hold it. */
  const expected = async () => {
    const page = await store.events.query(
      'org-a',
      { from: day, to: day + 86_400_000, agent: 'bot' },
      { limit: 100 },
    )
    return Buffer.byteLength(
      page.items.map((e) => `${JSON.stringify(activityFromEvent(e))}\n`).join(''),
    )
  }

  it('renders a day once while its event count stays the same, and again when it changes', async () => {
    const sizes = createRenderedSizes()
    await add('first', day + 1_000)
    await add('second', day + 3_700_000)
    const bytes = await sizes.bytes(events, agent, day, 2)
    expect(bytes).toBe(await expected())
    const afterFirst = reads
    expect(await sizes.bytes(events, agent, day, 2)).toBe(bytes)
    expect(reads).toBe(afterFirst)
    await add('third, with a longer title', day + 7_300_000)
    const more = await sizes.bytes(events, agent, day, 3)
    expect(more).toBe(await expected())
    expect(more).toBeGreaterThan(bytes)
    expect(reads).toBeGreaterThan(afterFirst)
  })
})
