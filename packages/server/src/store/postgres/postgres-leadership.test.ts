import { afterEach, describe, expect, it } from 'vitest'
import pg from 'pg'
import { freshDatabase } from '../../../../../test/helpers/postgres.js'
import type { Store } from '../store.js'
import { openPostgresStore } from './postgres-store.js'
import { enforcement } from '../../control/engine.js'

describe('job leadership on PostgreSQL', () => {
  const open: Store[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()))
  })
  const stores = async (n: number) => {
    const url = await freshDatabase()
    const made = await Promise.all(
      Array.from({ length: n }, () => openPostgresStore({ url, enforce: enforcement })),
    )
    open.push(...made)
    return { url, made }
  }

  it('gives each job to one store of several on one database, and to another once the leader closes', async () => {
    const { made } = await stores(3)
    const [a, b, c] = made as [Store, Store, Store]
    expect(await a.tryLead('maintenance')).toBe(true)
    expect(await b.tryLead('maintenance')).toBe(false)
    expect(await c.tryLead('maintenance')).toBe(false)
    // Another job is led on its own.
    expect(await b.tryLead('other')).toBe(true)
    expect(await a.tryLead('other')).toBe(false)
    expect(await a.tryLead('maintenance')).toBe(true)
    await a.close()
    open.splice(open.indexOf(a), 1)
    const next = [await b.tryLead('maintenance'), await c.tryLead('maintenance')]
    expect(next).toEqual([true, false])
    expect(await b.tryLead('maintenance')).toBe(true)
  })

  it('gives up a job when its session is lost, and another store takes it', async () => {
    const { url, made } = await stores(2)
    const [a, b] = made as [Store, Store]
    expect(await a.tryLead('maintenance')).toBe(true)
    // The database ends the leader's session (a restart, a network cut, an operator).
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'agenttrail-jobs' AND datname = current_database()",
    )
    await admin.end()
    expect(await b.tryLead('maintenance')).toBe(true)
    expect(await a.tryLead('maintenance')).toBe(false)
    // Once the new leader is gone, the old one can lead again on a new session.
    await b.close()
    open.splice(open.indexOf(b), 1)
    expect(await a.tryLead('maintenance')).toBe(true)
  })
})
