import type Database from 'better-sqlite3'
import { EVENT_COLUMNS, eventRowValues } from '../event-row.js'
import { RollupAccumulator } from '../rollup-accumulator.js'
import type { AppendItem, AppendOutcome } from '../store.js'

/** Builds the append transaction: ids checked, seqs allocated, rows, tags, prompts and rollups written. */
export function createSqliteAppender(db: Database.Database): (items: readonly AppendItem[]) => AppendOutcome[] {
  const insertEvent = db.prepare(
    `INSERT INTO events (${EVENT_COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
  )
  const findExisting = db.prepare<[string, string], { seq: number; received_at: number }>(
    'SELECT seq, received_at FROM events WHERE org_id = ? AND id = ?',
  )
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  const readSeq = db.prepare<[string], { next_seq: number }>('SELECT next_seq FROM orgs WHERE id = ?')
  const writeSeq = db.prepare('UPDATE orgs SET next_seq = ? WHERE id = ?')
  const insertTag = db.prepare('INSERT OR IGNORE INTO event_tags (org_id, tag, ts, event) VALUES (?, ?, ?, ?)')
  const insertPrompt = db.prepare('INSERT OR IGNORE INTO system_prompts (org_id, sha256, text, created_at) VALUES (?, ?, ?, ?)')
  const upsertRollup = db.prepare(`
    INSERT INTO rollups VALUES (@org_id, @grain, @bucket, @environment, @agent, @service, @model, @status, @events,
      @duration_count, @duration_sum, @tokens_input, @tokens_output, @tokens_cache_read, @tokens_cache_write,
      @tokens_total, @cost_micros)
    ON CONFLICT DO UPDATE SET events = events + excluded.events,
      duration_count = duration_count + excluded.duration_count, duration_sum = duration_sum + excluded.duration_sum,
      tokens_input = tokens_input + excluded.tokens_input, tokens_output = tokens_output + excluded.tokens_output,
      tokens_cache_read = tokens_cache_read + excluded.tokens_cache_read,
      tokens_cache_write = tokens_cache_write + excluded.tokens_cache_write,
      tokens_total = tokens_total + excluded.tokens_total, cost_micros = cost_micros + excluded.cost_micros`)
  const upsertLatency = db.prepare(`
    INSERT INTO latency_rollups VALUES (@org_id, @grain, @bucket, @environment, @agent, @latency, @events)
    ON CONFLICT DO UPDATE SET events = events + excluded.events`)
  const upsertAgent = db.prepare(`
    INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros)
    VALUES (@org_id, @environment, @name, @first_seen, @last_seen, @events, @errors, @tokens_total, @cost_micros)
    ON CONFLICT DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
      last_seen = max(last_seen, excluded.last_seen), events = events + excluded.events,
      errors = errors + excluded.errors, tokens_total = tokens_total + excluded.tokens_total,
      cost_micros = cost_micros + excluded.cost_micros`)

  return db.transaction((items: readonly AppendItem[]): AppendOutcome[] => {
    const receivedAt = Date.now()
    const nextSeq = new Map<string, number>()
    const seen = new Map<string, AppendOutcome>()
    const rollups = new RollupAccumulator()
    const outcomes: AppendOutcome[] = []
    for (const { orgId, event } of items) {
      const key = `${orgId}\u0000${event.id}`
      const prior = seen.get(key) ?? storedOutcome(findExisting.get(orgId, event.id), event.id)
      if (prior) {
        outcomes.push({ ...prior, duplicate: true })
        continue
      }
      let seq = nextSeq.get(orgId)
      if (seq === undefined) {
        ensureOrg.run(orgId, orgId, receivedAt)
        seq = (readSeq.get(orgId) as { next_seq: number }).next_seq
      }
      nextSeq.set(orgId, seq + 1)
      const { lastInsertRowid } = insertEvent.run(...eventRowValues(orgId, event, seq, receivedAt))
      for (const tag of event.tags) insertTag.run(orgId, tag, event.ts, lastInsertRowid)
      if (event.system_prompt !== null && event.system_prompt_sha256 !== null)
        insertPrompt.run(orgId, event.system_prompt_sha256, event.system_prompt, receivedAt)
      rollups.add(orgId, event)
      const outcome = { id: event.id, seq, received_at: new Date(receivedAt).toISOString(), duplicate: false }
      seen.set(key, outcome)
      outcomes.push(outcome)
    }
    for (const [orgId, seq] of nextSeq) writeSeq.run(seq, orgId)
    for (const delta of rollups.rollups.values()) upsertRollup.run(delta)
    for (const delta of rollups.latencies.values()) upsertLatency.run(delta)
    for (const delta of rollups.agents.values()) upsertAgent.run(delta)
    return outcomes
  })
}

function storedOutcome(row: { seq: number; received_at: number } | undefined, id: string): AppendOutcome | undefined {
  return row && { id, seq: row.seq, received_at: new Date(row.received_at).toISOString(), duplicate: true }
}
