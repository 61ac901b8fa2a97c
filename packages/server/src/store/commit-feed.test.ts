import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freshDatabase } from '../../../../test/helpers/postgres.js'
import { newEvent } from '../../../../test/helpers/events.js'
import { enforcement } from '../control/engine.js'
import type { Store } from './store.js'
import { openSqliteStore } from './sqlite/sqlite-store.js'
import { openPostgresStore } from './postgres/postgres-store.js'

const actor = { keyId: 'k', keyName: 'test', ipAddress: null }

/** Resolves with the first seq the org's listener hears at or above `seq`. */
function heard(store: Store, orgId: string, seq: number): Promise<number> {
  return new Promise((resolve) => {
    const stop = store.commits.subscribe(orgId, (at) => {
      if (at < seq) return
      stop()
      resolve(at)
    })
  })
}

const dialects = {
  // A file, so writes run in the writer thread and the signal must cross back to this one.
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agenttrail-feed-'))
    const store = openSqliteStore({ path: join(dir, 'a.db'), enforce: enforcement })
    return { writer: store, reader: store, done: () => rmSync(dir, { recursive: true }) }
  },
  // Two stores on one database: the reader's poll is an hour away, so only NOTIFY can wake it.
  postgres: async () => {
    const url = await freshDatabase()
    const reader = await openPostgresStore({ url, enforce: enforcement, streamPollMs: 3_600_000 })
    const writer = await openPostgresStore({ url, enforce: enforcement })
    return { writer, reader, done: () => {} }
  },
}

describe.each(Object.keys(dialects) as Array<keyof typeof dialects>)(
  'the commit feed (%s)',
  (d) => {
    const open: Array<() => unknown> = []
    afterEach(async () => {
      for (const fn of open.splice(0).reverse()) await fn()
    })
    const stores = async () => {
      const s = await dialects[d]()
      open.push(s.done, () => s.reader.close())
      if (s.writer !== s.reader) open.push(() => s.writer.close())
      await s.writer.keys.ensureOrg('org-f')
      return s
    }

    it('signals the org with its last seq after an append, a kill and a refused check, and reads them back with since', async () => {
      const { writer, reader } = await stores()
      let sent = 0
      // Appends until the reader hears one: the PostgreSQL listener connects in the background.
      const first = heard(reader, 'org-f', 1)
      let settled = false
      void first.then(() => (settled = true))
      while (!settled) {
        await writer.events.append([{ orgId: 'org-f', event: newEvent({ agent: 'bot' }) }])
        sent++
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(await first).toBeGreaterThanOrEqual(1)

      const other = heard(reader, 'org-g', 1)
      const kill = heard(reader, 'org-f', sent + 2)
      await writer.control.setAgentStatus('org-f', 'production', 'bot', 'killed', Date.now(), actor)
      expect(await kill).toBe(sent + 2)

      const refusal = heard(reader, 'org-f', sent + 3)
      const event = { ...newEvent({ agent: 'bot', status: 'denied' }), agent: 'bot' }
      const decision = await writer.control.check('org-f', {
        event,
        keyId: 'k',
        approvalTtlMs: 60_000,
      })
      expect(decision).toMatchObject({ allowed: false })
      expect(await refusal).toBe(sent + 3)

      const read = await reader.events.since('org-f', sent, 10)
      expect(read.map((e) => [e.seq, e.kind, e.status])).toEqual([
        [sent + 1, 'audit', 'success'],
        [sent + 2, 'audit', 'success'],
        [sent + 3, 'action', 'denied'],
      ])
      expect(read[1]?.action).toBe('alert.created')
      expect(await reader.events.head('org-f')).toBe(sent + 3)
      expect(await reader.events.since('org-f', sent + 3, 10)).toEqual([])
      expect((await reader.events.since('org-f', 0, 2)).map((e) => e.seq)).toEqual([1, 2])
      // Nothing was committed for another org.
      expect(await Promise.race([other, Promise.resolve('silent')])).toBe('silent')
    })
  },
)
