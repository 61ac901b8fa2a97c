// A check's cost on the embedded store measured alone, in-process, so the control plane section can
// say where the time goes: the workload's payload patterns over its inputs (re2js, compiled as the
// server compiles them), and the writer's time per check with and without controls, and without the
// commit's fsync (the store's own writer functions on a database of its own settings).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUDGETS, POLICIES, actionBodies, checkBodies } from './check-workload.js'
import { ROOT } from './cli-server.js'

const INPUTS = 200
const ROUNDS = 10
const CHECKS = 2_000
const GROWTH_ROUNDS = 10

const dist = (path) => import(join(ROOT, 'packages', path))

/** µs to run every payload pattern over one check's input, and over one reported action's input and output. */
async function patternCost() {
  const { compileSafePattern } = await dist('server/dist/control/safe-regex.js')
  const { findPattern } = await dist('server/dist/control/bounded-match.js')
  const { RULE_CONFIG_SCHEMAS } = await dist('server/dist/control/policy-rules.js')
  // Configs with their defaults, patterns compiled and matched as control/engine.ts does.
  const rules = POLICIES.filter((p) => p.rule_type === 'payload_regex_block').map((p) => {
    const config = RULE_CONFIG_SCHEMAS.payload_regex_block.parse(p.rule_config)
    return {
      fields: config.fields,
      patterns: config.patterns.map((s) => compileSafePattern(s, config.case_insensitive)),
    }
  })
  const texts = (bodies) =>
    bodies.map((b) => {
      const { input, output } = JSON.parse(b)
      return {
        input: JSON.stringify(input),
        output: output === undefined ? null : JSON.stringify(output),
      }
    })
  const timed = (items) => {
    const t0 = performance.now()
    for (let r = 0; r < ROUNDS; r++)
      for (const item of items)
        for (const rule of rules)
          for (const field of rule.fields) {
            const text = item[field] ?? null
            if (text === null) continue
            if (findPattern(rule.patterns, text) !== -1)
              throw new Error(`a workload pattern matched (or timed out on) its ${field}`)
          }
    return ((performance.now() - t0) * 1000) / (ROUNDS * items.length)
  }
  const check = texts(checkBodies(INPUTS, 7))
  const action = texts(actionBodies(INPUTS, 8))
  timed(check) // warm-up
  return {
    check: timed(check),
    action: timed(action),
    patterns: rules.reduce((n, r) => n + r.patterns.length, 0),
  }
}

/**
 * µs of the writer's time per check, the store's own writer functions called on this thread: an org
 * without controls; an org with them over its first 2,000 checks; and another org with them and
 * synchronous=OFF, whose first 2,000 checks differ from the one before by the wait for the commit's
 * fsync, and whose further rounds show how the time grows with the checks before it.
 */
async function writerCost() {
  const { normalizeEvent } = await dist('protocol/dist/index.js')
  const { openSqliteDb } = await dist('server/dist/store/sqlite/sqlite-db.js')
  const { migrateSqlite } = await dist('server/dist/store/sqlite/sqlite-migrate.js')
  const { createSqliteWrites } = await dist('server/dist/store/sqlite/sqlite-writes.js')
  const { RULE_CONFIG_SCHEMAS } = await dist('server/dist/control/policy-rules.js')
  const { enforcement } = await dist('server/dist/control/engine.js')
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-check-stages-'))
  const db = openSqliteDb(join(dir, 'stages.db'))
  try {
    migrateSqlite(db)
    const writes = createSqliteWrites(db, enforcement)
    const now = Date.now()
    for (const org of ['synced', 'unsynced']) {
      for (const p of POLICIES)
        writes.createPolicy(
          org,
          {
            name: p.name,
            agent_name: p.agent_name ?? null,
            environment: p.environment ?? null,
            rule_type: p.rule_type,
            rule_config: RULE_CONFIG_SCHEMAS[p.rule_type].parse(p.rule_config),
            enabled: true,
            priority: p.priority,
          },
          now,
        )
      for (const b of BUDGETS)
        writes.putBudget(org, { environment: 'production', agent_name: null, ...b }, now)
    }
    // Each check as the check service hands it to the store: normalized, with its cost in dollars.
    const events = checkBodies(CHECKS, 9).map((body) => {
      const { cost_cents, ...rest } = JSON.parse(body)
      const raw = {
        ...rest,
        cost_usd: cost_cents / 100,
        kind: 'action',
        status: 'denied',
        user: 'bench',
        metadata: { source: 'check' },
      }
      const result = normalizeEvent(raw, { now, ipAddress: null, idempotencyKey: null })
      if (!result.ok) throw new Error(`check event: ${JSON.stringify(result.issues)}`)
      return result.event
    })
    /** µs per check of each of `rounds` passes over the events. */
    const timed = (orgId, rounds = 1) =>
      Array.from({ length: rounds }, () => {
        const t0 = performance.now()
        for (const event of events)
          // One check per transaction: what a lone client gets (concurrent checks share one commit).
          if (
            !writes.controlCheck([
              { orgId, input: { event, keyId: 'bench', approvalTtlMs: 1_800_000 } },
            ])[0].allowed
          )
            throw new Error('check refused')
        return ((performance.now() - t0) * 1000) / events.length
      })
    timed('plain') // warm-up
    const [none] = timed('plain')
    // Two orgs with the same controls, each from its first check: one committed as the store commits, one without fsync.
    const [controls] = timed('synced')
    db.pragma('synchronous = OFF')
    const unsynced = timed('unsynced', GROWTH_ROUNDS)
    return {
      checks: CHECKS,
      none,
      controls,
      fsync: controls - unsynced[0],
      // Every allowed check leaves a permit for its action's record; none of these is ever claimed.
      growth: {
        permits: CHECKS * GROWTH_ROUNDS,
        first: unsynced[0],
        last: unsynced[GROWTH_ROUNDS - 1],
      },
    }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function measureCheckStages() {
  return { patterns: await patternCost(), writer: await writerCost() }
}
