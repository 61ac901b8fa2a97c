import type Database from 'better-sqlite3'
import type { ControlNote } from '@agenttrail/protocol'
import { agentDeltas } from '../agent-deltas.js'
import { createSqliteConversationSummary } from './sqlite-conversation-summary.js'
import { createSqliteOutbox } from './sqlite-outbox.js'
import type { InsertedEvent } from '../outbox-rows.js'
import type { AppendItem } from '../store.js'
import type { AppendOutcome } from '../store.js'
import { EVENT_COLUMNS, eventRowValues } from '../event-row.js'
import { usageMonth } from '../usage-month.js'
import type { ControlOps } from '../../control/control-ops.js'
import { runOps } from '../../control/control-ops.js'
import type { Enforcement } from '../../control/enforcement.js'
import { unrestricted } from '../../control/org-controls.js'
import type { OrgLog } from '../log-append.js'
import { gapTombstones, prepareEventLeaf, saltBytes } from '../log-append.js'
import { createSqliteLogWrites } from './sqlite-log-writes.js'

/**
 * The append transaction: ids checked, seqs allocated, rows, tags, prompts, agent rows, the
 * conversation summary and the org's monthly usage written (new events only: a duplicate id is not
 * counted), and each new event's leaf appended to its org's Merkle log in seq order, its salt in
 * its own row (unless `log` is false: the benchmark's baseline). What it inserted is passed to
 * `fold` (the in-memory rollups, sqlite-rollup-fold.ts) in the transaction; the full-text index is
 * derived behind it (sqlite-fts.ts).
 */
export function createSqliteAppender(
  db: Database.Database,
  control: ControlOps,
  enforce: Enforcement,
  log = true,
  fold: (inserted: readonly InsertedEvent[]) => void = () => {},
): (items: readonly AppendItem[]) => AppendOutcome[] {
  // ON CONFLICT names the one constraint a duplicate id may hit; any other violation still fails.
  const insertEvent = db.prepare(
    `INSERT INTO events (${EVENT_COLUMNS.map((c) => `"${c}"`).join(', ')}, log_salt) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')}, ?)
     ON CONFLICT (org_id, id) DO NOTHING`,
  )
  const findExisting = db.prepare<
    [string, string],
    { seq: number; received_at: number; control: string | null }
  >('SELECT seq, received_at, control FROM events WHERE org_id = ? AND id = ?')
  // A duplicate answers what the stored event says, including what the control plane noted on it.
  const storedReceipt = (
    id: string,
    row: { seq: number; received_at: number; control: string | null },
  ): AppendOutcome => ({
    id,
    seq: row.seq,
    received_at: new Date(row.received_at).toISOString(),
    duplicate: true,
    ...(row.control !== null && { control: JSON.parse(row.control) as ControlNote }),
  })
  const ensureOrg = db.prepare('INSERT OR IGNORE INTO orgs (id, name, created_at) VALUES (?, ?, ?)')
  type OrgRow = {
    next_seq: number
    control_version: number
    notify_version: number
    size: number
    frontier: Buffer | null
  }
  const readSeq = db.prepare<[string], OrgRow>(
    'SELECT next_seq, control_version, notify_version, log_size AS size, log_frontier AS frontier FROM orgs WHERE id = ?',
  )
  const writeSeq = db.prepare('UPDATE orgs SET next_seq = ? WHERE id = ?')
  const insertTag = db.prepare(
    'INSERT OR IGNORE INTO event_tags (org_id, tag, ts, event) VALUES (?, ?, ?, ?)',
  )
  const insertPrompt = db.prepare(
    'INSERT OR IGNORE INTO system_prompts (org_id, sha256, text, created_at) VALUES (?, ?, ?, ?)',
  )
  const upsertAgent = db.prepare(`
    INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros)
    VALUES (@org_id, @environment, @name, @first_seen, @last_seen, @events, @errors, @tokens_total, @cost_micros)
    ON CONFLICT DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
      last_seen = max(last_seen, excluded.last_seen), events = events + excluded.events,
      errors = errors + excluded.errors, tokens_total = tokens_total + excluded.tokens_total,
      cost_micros = cost_micros + excluded.cost_micros`)
  const addUsage = db.prepare(`INSERT INTO org_usage (org_id, month, events) VALUES (?, ?, ?)
    ON CONFLICT (org_id, month) DO UPDATE SET events = events + excluded.events`)
  const giveBack = db.prepare(
    'UPDATE org_usage SET events = max(0, events - ?) WHERE org_id = ? AND month = ?',
  )
  const conversations = createSqliteConversationSummary(db)
  const outbox = createSqliteOutbox(db)
  const logWrites = createSqliteLogWrites(db)

  return db.transaction((items: readonly AppendItem[]): AppendOutcome[] => {
    const receivedAt = Date.now()
    const receivedIso = new Date(receivedAt).toISOString()
    const nextSeq = new Map<string, number>()
    const logs = new Map<string, OrgLog>()
    const versions = new Map<string, number>()
    const notifyVersions = new Map<string, number>()
    const inserted: InsertedEvent[] = []
    // The control plane's own records (budget thresholds), appended in this transaction too.
    const records: AppendItem[] = []
    // Places the plan's monthly limit reserved for events that turn out to be stored already.
    const unused = new Map<string, { orgId: string; month: string; n: number }>()
    const duplicate = (item: AppendItem, receipt: AppendOutcome): AppendOutcome => {
      if (item.reservedMonth !== undefined) {
        const key = `${item.orgId}\u0000${item.reservedMonth}`
        const entry = unused.get(key) ?? { orgId: item.orgId, month: item.reservedMonth, n: 0 }
        entry.n++
        unused.set(key, entry)
      }
      return receipt
    }
    const put = (item: AppendItem): AppendOutcome => {
      const { orgId } = item
      let { event } = item
      let seq = nextSeq.get(orgId)
      if (seq === undefined) {
        ensureOrg.run(orgId, orgId, receivedAt)
        const row = readSeq.get(orgId) as OrgRow
        seq = row.next_seq
        if (log) {
          const orgLog = logWrites.open(orgId, seq - 1, row)
          logs.set(orgId, orgLog)
          // Events gone before the log reached them: a tombstone in this transaction says so.
          for (const tombstone of gapTombstones(orgLog.gaps, receivedAt))
            records.push({ orgId, event: tombstone, system: true })
        }
        versions.set(orgId, row.control_version)
        notifyVersions.set(orgId, row.notify_version)
      }
      let outcome: Pick<AppendOutcome, 'control'> = {}
      if (
        !item.system &&
        enforce.judges(event) &&
        !unrestricted(control.controls(orgId, versions.get(orgId)))
      ) {
        // Judged once: a duplicate id is answered with the stored receipt before any counter moves.
        const known = findExisting.get(orgId, event.id)
        if (known) return duplicate(item, storedReceipt(event.id, known))
        const judged = runOps(enforce.event(orgId, event, receivedAt, versions.get(orgId)), control)
        if (judged.note) {
          event = { ...event, control: judged.note }
          outcome = { control: judged.note }
        }
        for (const r of judged.records) records.push({ orgId, event: r.event, system: r.system })
      }
      // The transaction's own records were not prepared before it: they are prepared here.
      const leaf = log ? (item.leaf ?? prepareEventLeaf(orgId, event)) : undefined
      const { changes, lastInsertRowid } = insertEvent.run(
        ...eventRowValues(orgId, event, seq, receivedAt),
        leaf ? saltBytes(leaf) : null,
      )
      if (changes === 0) {
        // Already stored (earlier, or earlier in this batch): answer with the stored receipt.
        return duplicate(
          item,
          storedReceipt(
            event.id,
            findExisting.get(orgId, event.id) as {
              seq: number
              received_at: number
              control: string | null
            },
          ),
        )
      }
      nextSeq.set(orgId, seq + 1)
      if (leaf) logs.get(orgId)?.appendPrepared(seq, leaf, receivedIso, event)
      for (const tag of event.tags) insertTag.run(orgId, tag, event.ts, lastInsertRowid)
      if (event.system_prompt !== null && event.system_prompt_sha256 !== null)
        insertPrompt.run(orgId, event.system_prompt_sha256, event.system_prompt, receivedAt)
      inserted.push({ ...item, event, seq })
      return { id: event.id, seq, received_at: receivedIso, duplicate: false, ...outcome }
    }
    const outcomes = items.map(put)
    for (const record of records) put(record)
    for (const [orgId, seq] of nextSeq) writeSeq.run(seq, orgId)
    for (const [orgId, orgLog] of logs) logWrites.write(orgId, orgLog, receivedAt)
    for (const delta of agentDeltas(inserted)) upsertAgent.run(delta)
    conversations.add(inserted)
    outbox(inserted, notifyVersions, receivedAt)
    fold(inserted)
    const month = usageMonth(receivedAt)
    const added = new Map<string, number>()
    // Reserved events were counted when their request was admitted (plan-gate.ts).
    for (const { orgId, system, reservedMonth } of inserted)
      if (!system && reservedMonth === undefined) added.set(orgId, (added.get(orgId) ?? 0) + 1)
    for (const [orgId, count] of added) addUsage.run(orgId, month, count)
    for (const { orgId, month: reserved, n } of unused.values()) giveBack.run(n, orgId, reserved)
    return outcomes
  })
}
