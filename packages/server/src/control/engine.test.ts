import { describe, expect, it } from 'vitest'
import { normalizeEvent } from '@agenttrail/protocol'
import type { NewEvent } from '@agenttrail/protocol'
import { openSqliteDb } from '../store/sqlite/sqlite-db.js'
import { migrateSqlite } from '../store/sqlite/sqlite-migrate.js'
import { createSqliteWrites } from '../store/sqlite/sqlite-writes.js'
import { runOps } from './control-ops.js'
import { createSqliteControlOps } from '../store/sqlite/sqlite-control-ops.js'
import { decideCheck, enforceEvent, enforcement } from './engine.js'

const DAY = 86_400_000

/** The engine on a real SQLite database, with the clock in the test's hands. */
function engine() {
  const db = openSqliteDb(':memory:')
  migrateSqlite(db)
  const writes = createSqliteWrites(db, enforcement)
  const ops = createSqliteControlOps(db)
  const action = (now: number): NewEvent & { agent: string } => {
    const r = normalizeEvent(
      { agent: 'bot', service: 's', action: 'a', status: 'denied' },
      { now, ipAddress: null },
    )
    if (!r.ok) throw new Error('bad event')
    return r.event as NewEvent & { agent: string }
  }
  const check = (now: number, costUsd?: number) => {
    const event =
      costUsd === undefined ? action(now) : { ...action(now), cost_micros: costUsd * 1_000_000 }
    return runOps(decideCheck('org', { event, keyId: 'k', approvalTtlMs: 60_000 }, now), ops)
      .decision
  }
  const report = (now: number, costMicros: number | null) =>
    runOps(
      enforceEvent('org', { ...action(now), status: 'success', cost_micros: costMicros }, now),
      ops,
    ).note
  const budgetOf = (now: number) =>
    writes.putBudget(
      'org',
      {
        environment: 'production',
        agent_name: 'bot',
        period: 'daily',
        max_actions: null,
        max_cost_cents: 1000,
      },
      now,
    )
  return { writes, check, report, budgetOf }
}

describe('the decision engine and the calendar', () => {
  it('starts each budget period at zero by itself: no reset job, the period comes from the time', () => {
    const { writes, check } = engine()
    const monday = Date.parse('2026-11-16T00:00:00Z')
    writes.putBudget(
      'org',
      {
        environment: 'production',
        agent_name: 'bot',
        period: 'daily',
        max_actions: 2,
        max_cost_cents: null,
      },
      monday,
    )
    const day1 = [check(monday + 1_000), check(monday + 2_000), check(monday + DAY - 1)]
    expect(day1.map((d) => d.allowed)).toEqual([true, true, false])
    expect(day1[2]?.blockReason).toBe('daily action budget exceeded (2/2)')
    expect(check(monday + DAY).allowed).toBe(true)
  })

  it('keeps a weekly budget from Monday to Monday', () => {
    const { writes, check } = engine()
    const monday = Date.parse('2026-11-16T00:00:00Z')
    writes.putBudget(
      'org',
      {
        environment: 'production',
        agent_name: null,
        period: 'weekly',
        max_actions: 1,
        max_cost_cents: null,
      },
      monday,
    )
    expect(check(monday + 3 * DAY).allowed).toBe(true)
    expect(check(monday + 7 * DAY - 1).allowed).toBe(false)
    expect(check(monday + 7 * DAY).allowed).toBe(true)
  })

  it('slides a rate window: an action leaves it window_seconds after it was counted', () => {
    const { writes, check } = engine()
    const t0 = Date.parse('2026-11-16T10:00:00Z')
    writes.createPolicy(
      'org',
      {
        name: null,
        agent_name: 'bot',
        environment: null,
        rule_type: 'rate_limit',
        rule_config: { max_actions: 2, window_seconds: 10 },
        enabled: true,
        priority: 0,
      },
      t0,
    )
    expect([check(t0), check(t0 + 5_000), check(t0 + 9_999)].map((d) => d.allowed)).toEqual([
      true,
      true,
      false,
    ])
    // The first left the window at t0 + 10 s; the second is still in it.
    expect(check(t0 + 10_000).allowed).toBe(true)
    expect(check(t0 + 10_001).allowed).toBe(false)
    expect(check(t0 + 15_000).allowed).toBe(true)
  })

  it('purges rate-window entries past the longest window and expired permits, nothing a decision still uses', () => {
    const { writes, check } = engine()
    const t0 = Date.parse('2026-11-16T10:00:00Z')
    writes.createPolicy(
      'org',
      {
        name: null,
        agent_name: null,
        environment: null,
        rule_type: 'rate_limit',
        rule_config: { max_actions: 5, window_seconds: 60 },
        enabled: true,
        priority: 0,
      },
      t0,
    )
    check(t0)
    check(t0 + 1)
    // Each allowed check left a rate entry and a permit (15 minutes).
    expect(writes.purgeControl(t0 + 60_000)).toBe(0)
    expect(writes.purgeControl(t0 + 16 * 60_000)).toBe(2)
    expect(writes.purgeControl(t0 + 32 * DAY)).toBe(2)
  })

  it('settles a check’s reservation in the check’s period, never below zero, and keeps it for a record without a cost', () => {
    const { check, report, budgetOf } = engine()
    const midnight = Date.parse('2026-11-17T00:00:00Z')
    budgetOf(midnight - DAY)
    // Allowed at 23:59:59 with $9 reserved; the record arrives after midnight and cost nothing.
    expect(check(midnight - 1_000, 9).allowed).toBe(true)
    expect(report(midnight + 1_000, 0)).toBeNull()
    // The new day did not go negative: $18 is still more than its $10.
    expect(check(midnight + 2_000, 18)).toMatchObject({ allowed: false, rule: 'budget' })
    // A record without a cost keeps what its check reserved.
    expect(check(midnight + 3_000, 6).allowed).toBe(true)
    expect(report(midnight + 4_000, null)).toBeNull()
    expect(check(midnight + 5_000, 5)).toMatchObject({
      allowed: false,
      blockReason: 'daily cost budget would be exceeded ($6.00 + $5.00 of $10.00)',
    })
  })
})
