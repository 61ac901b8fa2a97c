import type Database from 'better-sqlite3'
import { MEASURE_COLUMNS } from '../stats-assembler.js'
import type { AppendItem, AppendOutcome, DeleteRange } from '../store.js'
import { seqRanges, tombstoneEvents } from '../tombstone.js'
import type { Erasure, ErasureRecord } from '../tombstone.js'
import { DAY_MS, HOUR_MS, floorTo } from '../time-buckets.js'
import { createSqliteConversationSummary } from './sqlite-conversation-summary.js'
import { DIMS, LATENCY_BUCKET_SQL, LATENCY_DIMS, RAW_MEASURES } from './sqlite-rollups.js'

/**
 * The events an erasure removes; named parameters @org, @from, @to, @agent, @environment, @user,
 * @id. Never an audit event: they are the trail's record of what was done to it, tombstones first.
 */
const RANGE = `org_id = @org AND ts >= @from AND ts < @to AND (@agent IS NULL OR agent = @agent)
  AND (@environment IS NULL OR environment = @environment) AND (@user IS NULL OR user = @user)
  AND (@id IS NULL OR id = @id) AND kind <> 'audit'`

/**
 * The rows being erased, once found: their rowids in a temporary table of the writer's connection,
 * so every statement after the walk reads them by rowid instead of scanning the range again (a
 * user erasure has no index to narrow it: one pass over the org's events, not one per statement).
 */
const ERASED = 'rowid IN (SELECT id FROM temp.erase_rows)'

const GRAINS = [
  ['h', HOUR_MS],
  ['d', DAY_MS],
] as const

const KEY = ['org_id', 'grain', 'dim', 'bucket', 'environment', 'agent']

/** What the doomed events that the roller has reached (rowid <= @rolled) added to each rollup row. */
const ROLLED = GRAINS.flatMap(([grain, size]) =>
  Object.entries(DIMS).map(
    ([
      dim,
      [agent, value],
    ]) => `SELECT org_id, '${grain}' AS grain, '${dim}' AS dim, (ts / ${size}) * ${size} AS bucket,
      environment, ${agent} AS agent, ${value} AS value, ${RAW_MEASURES}
      FROM events WHERE ${ERASED} AND rowid <= @rolled GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  ),
).join('\nUNION ALL\n')

const ROLLED_LATENCY = GRAINS.flatMap(([grain, size]) =>
  Object.entries(LATENCY_DIMS).map(
    ([
      dim,
      agent,
    ]) => `SELECT org_id, '${grain}' AS grain, '${dim}' AS dim, (ts / ${size}) * ${size} AS bucket,
      environment, ${agent} AS agent, ${LATENCY_BUCKET_SQL} AS latency, count(*) AS events
      FROM events WHERE ${ERASED} AND rowid <= @rolled AND duration_ms IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  ),
).join('\nUNION ALL\n')

const match = (columns: string[], table: string) =>
  columns.map((c) => `${table}.${c} = d.${c}`).join(' AND ')

/**
 * Erases an org's events in a time range (optionally of one agent, environment, user or id) in one
 * transaction, and takes them out of everything derived from them: rollups (only what the roller
 * had folded in), the full-text index (only what the indexer had reached), tags, agent counters,
 * the conversation summary of the conversations they were part of, their evaluations, the input
 * kept by the approvals they asked for, the system
 * prompts of the erased events that no remaining event of the org references, their webhook
 * deliveries, and their openings in the log (their leaves and the tree's nodes stay). The
 * tombstones naming the erased seqs are appended by `append`, the append transaction (nested: a
 * savepoint), in the same transaction: if it fails, nothing is erased. Other events keep their seq.
 */
export function createSqliteErase(
  db: Database.Database,
  append: (items: readonly AppendItem[]) => AppendOutcome[],
) {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS erase_rows (id INTEGER PRIMARY KEY)')
  const remember = db.prepare('INSERT INTO temp.erase_rows (id) VALUES (?)')
  const forget = db.prepare('DELETE FROM temp.erase_rows')
  const cursors = db.prepare<[], { key: string; value: number }>(
    "SELECT key, value FROM meta WHERE key IN ('rollup_rowid', 'fts_indexed_rowid')",
  )
  const subtractRollups =
    db.prepare(`UPDATE rollups SET ${MEASURE_COLUMNS.map((c) => `${c} = rollups.${c} - d.${c}`).join(', ')}
    FROM (${ROLLED}) AS d WHERE ${match([...KEY, 'value'], 'rollups')}`)
  const subtractLatency =
    db.prepare(`UPDATE latency_rollups SET events = latency_rollups.events - d.events
    FROM (${ROLLED_LATENCY}) AS d WHERE ${match([...KEY, 'latency'], 'latency_rollups')}`)
  // Rows that no event backs any more would show up as zero entries (an agent with 0 events).
  const dropEmptyRollups =
    db.prepare(`DELETE FROM rollups WHERE org_id = @org AND grain IN ('h', 'd')
    AND dim IN (${Object.keys(DIMS).map((d) => `'${d}'`)}) AND bucket >= @lo AND bucket < @to AND events = 0`)
  const dropEmptyLatency =
    db.prepare(`DELETE FROM latency_rollups WHERE org_id = @org AND grain IN ('h', 'd')
    AND dim IN (${Object.keys(LATENCY_DIMS).map((d) => `'${d}'`)}) AND bucket >= @lo AND bucket < @to AND events = 0`)
  const subtractAgents =
    db.prepare(`UPDATE agents SET events = agents.events - d.events, errors = agents.errors - d.errors,
      tokens_total = agents.tokens_total - d.tokens_total, cost_micros = agents.cost_micros - d.cost_micros
    FROM (SELECT environment, agent, count(*) AS events, sum(status = 'error') AS errors,
        coalesce(sum(tokens_total), 0) AS tokens_total, coalesce(sum(cost_micros), 0) AS cost_micros
      FROM events WHERE ${ERASED} AND agent IS NOT NULL GROUP BY 1, 2) AS d
    WHERE agents.org_id = @org AND agents.environment = d.environment AND agents.name = d.agent`)
  // Keyset pages in index order, so walking a large range stays linear.
  const doomed = db.prepare<
    Record<string, unknown>,
    {
      rowid: number
      seq: number
      ts: number
      id: string
      environment: string
      agent: string | null
      tags: string
      prompt: string | null
      cid: string | null
    }
  >(
    `SELECT rowid, seq, ts, id, environment, agent, tags, system_prompt_sha256 AS prompt, conversation_id AS cid FROM events
     WHERE ${RANGE} AND (ts, id) > (@afterTs, @afterId) ORDER BY ts, id LIMIT 1000`,
  )
  const unindex = db.prepare('DELETE FROM events_fts WHERE rowid = ?')
  const untag = db.prepare(
    'DELETE FROM event_tags WHERE org_id = ? AND tag = ? AND ts = ? AND event = ?',
  )
  // The rows go with their salts (`log_salt`), so the leaves' commitments can no longer be opened;
  // the leaves stay (log-store.ts).
  const deleteEvents = db.prepare(`DELETE FROM events WHERE ${ERASED}`)
  // An evaluation scores one event: it goes with it (before it, while the range still finds it).
  const dropEvaluations = db.prepare(
    `DELETE FROM evaluations WHERE org_id = ? AND event_id IN (SELECT id FROM events WHERE ${ERASED})`,
  )
  // A prompt's text is the org's data like the events that carried it: it goes with the last of them.
  const dropPrompt = db.prepare(`DELETE FROM system_prompts WHERE org_id = @org AND sha256 = @sha
    AND NOT EXISTS (SELECT 1 FROM events WHERE org_id = @org AND system_prompt_sha256 = @sha)`)
  // Webhook deliveries of an erased event carry its announcement (its metadata among it): they go,
  // with their attempts. One pass over the org's deliveries (no index leads with event_id).
  const dropAttempts =
    db.prepare(`DELETE FROM delivery_attempts WHERE org_id = @org AND delivery_id IN
    (SELECT id FROM deliveries WHERE org_id = @org AND event_id IN (SELECT value FROM json_each(@ids)))`)
  const dropDeliveries = db.prepare(
    'DELETE FROM deliveries WHERE org_id = @org AND event_id IN (SELECT value FROM json_each(@ids))',
  )
  // An approval keeps the input of the check that asked for it: it goes with the requesting event
  // (the approval and its decision stay).
  const blankApprovals = db.prepare(
    'UPDATE approvals SET input = NULL WHERE org_id = @org AND event_id IN (SELECT value FROM json_each(@ids))',
  )
  const conversations = createSqliteConversationSummary(db)
  // Without AUTOINCREMENT a new row may reuse the rowid of a deleted last row; cursors past the last
  // remaining row would then skip it, so they come back to it (the rows between are gone).
  const clampCursors = db.prepare(
    "UPDATE meta SET value = min(value, coalesce((SELECT max(rowid) FROM events), 0)) WHERE key IN ('rollup_rowid', 'fts_indexed_rowid')",
  )

  const run = db.transaction(
    (orgId: string, range: DeleteRange, record: ErasureRecord): Erasure => {
      const at = Object.fromEntries(cursors.all().map((r) => [r.key, r.value]))
      const where = {
        org: orgId,
        from: Math.trunc(range.from),
        to: Math.trunc(range.to),
        agent: range.agent ?? null,
        environment: range.environment ?? null,
        user: range.user ?? null,
        id: range.id ?? null,
      }
      forget.run()
      const indexed = at.fts_indexed_rowid ?? 0
      const prompts = new Set<string>()
      const touched = new Set<string>()
      const seqs: number[] = []
      const ids: string[] = []
      const days = new Map<string, Erasure['days'][number]>()
      let after = { afterTs: Number.MIN_SAFE_INTEGER, afterId: '' }
      for (;;) {
        const rows = doomed.all({ ...where, ...after })
        for (const row of rows) {
          if (row.rowid <= indexed) unindex.run(row.rowid)
          for (const tag of JSON.parse(row.tags) as string[])
            untag.run(orgId, tag, row.ts, row.rowid)
          if (row.prompt !== null) prompts.add(row.prompt)
          if (row.cid !== null) touched.add(row.cid)
          remember.run(row.rowid)
          seqs.push(row.seq)
          ids.push(row.id)
          if (row.agent !== null) {
            const day = new Date(floorTo(row.ts, DAY_MS)).toISOString().slice(0, 10)
            days.set(`${row.environment}\u0000${row.agent}\u0000${day}`, {
              environment: row.environment,
              agent: row.agent,
              day,
            })
          }
        }
        const last = rows[rows.length - 1]
        if (!last) break
        after = { afterTs: last.ts, afterId: last.id }
      }
      if (seqs.length === 0) return { erased: 0, tombstones: [], days: [] }
      subtractRollups.run({ rolled: at.rollup_rowid ?? 0 })
      subtractLatency.run({ rolled: at.rollup_rowid ?? 0 })
      subtractAgents.run({ org: orgId })
      dropEvaluations.run(orgId)
      const { changes } = deleteEvents.run()
      forget.run()
      const ranges = seqRanges(seqs.sort((a, b) => a - b))
      const erasedIds = { org: orgId, ids: JSON.stringify(ids) }
      dropAttempts.run(erasedIds)
      dropDeliveries.run(erasedIds)
      blankApprovals.run(erasedIds)
      for (const sha of prompts) dropPrompt.run({ org: orgId, sha })
      conversations.recompute(orgId, touched)
      const lo = floorTo(where.from, DAY_MS)
      dropEmptyRollups.run({ org: orgId, lo, to: where.to })
      dropEmptyLatency.run({ org: orgId, lo, to: where.to })
      clampCursors.run()
      const tombstones = append(
        tombstoneEvents(ranges, record, Date.now()).map((event) => ({
          orgId,
          event,
          system: true,
        })),
      ).map(({ id, seq }) => ({ id, seq }))
      return { erased: changes, tombstones, days: [...days.values()] }
    },
  )

  return {
    eraseEvents: (orgId: string, range: DeleteRange, record: ErasureRecord): Erasure =>
      run(orgId, range, record),
  }
}
