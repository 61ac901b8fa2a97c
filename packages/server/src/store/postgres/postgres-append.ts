import type pg from 'pg'
import type { ControlNote, NewEvent } from '@agenttrail/protocol'
import { EVENT_COLUMNS, eventRowValues } from '../event-row.js'
import { CONVERSATION_DERIVED } from './postgres-conversation-summary.js'
import type { AppendItem, AppendOutcome } from '../store.js'
import type { LeafInput } from '../log-store.js'
import { MEASURE_COLUMNS } from '../stats-assembler.js'
import { DAY_MS, HOUR_MS } from '../time-buckets.js'
import { usageMonth } from '../usage-month.js'
import { runOpsAsync } from '../../control/control-ops.js'
import type { Enforcement } from '../../control/enforcement.js'
import { unrestricted } from '../../control/org-controls.js'
import { postgresControlOps } from './postgres-control-ops.js'
import type { ControlsCache } from './postgres-control-ops.js'
import { COMMIT_CHANNEL } from './postgres-commit-feed.js'
import { lockOrg, withTransaction } from './postgres-tx.js'
import { writeOutbox } from './postgres-outbox.js'
import type { InsertedEvent } from '../outbox-rows.js'
import { gapTombstones, prepareEventLeaf } from '../log-append.js'
import { logRowValues, logSql, openOrgLog } from './postgres-log-writes.js'

const TYPES: Record<string, string> = {
  seq: 'bigint',
  ts: 'bigint',
  received_at: 'bigint',
  tokens_input: 'bigint',
  tokens_output: 'bigint',
  tokens_cache_read: 'bigint',
  tokens_cache_write: 'bigint',
  tokens_total: 'bigint',
  cost_micros: 'bigint',
  duration_ms: 'bigint',
}
const COLUMN_LIST = [...EVENT_COLUMNS.map((c) => `"${c}"`), 'log_salt'].join(', ')
const UNNEST = [
  ...EVENT_COLUMNS.map((c, i) => `$${i + 1}::${TYPES[c] ?? 'text'}[]`),
  `$${EVENT_COLUMNS.length + 1}::text[]`,
].join(', ')
// One statement for the whole batch: a column per array. The log's salt travels in base64 (null
// without the log). Search words are indexed behind the append (postgres-search-index.ts, ADR 0012).
const INSERT_EVENTS = `INSERT INTO events (${COLUMN_LIST})
  SELECT ${EVENT_COLUMNS.map((c) => `"${c}"`).join(', ')}, decode(salt, 'base64') FROM unnest(${UNNEST})
  AS t(${[...EVENT_COLUMNS.map((c) => `"${c}"`), 'salt'].join(', ')})`

/** The measures every rollup row carries, computed over event rows, in rollup column order (postgres-erase.ts subtracts them). */
export const MEASURES = `count(*) AS events, count(*) FILTER (WHERE status = 'error') AS errors,
  count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'denied') AS denied,
  count(duration_ms) AS duration_count, coalesce(sum(duration_ms), 0) AS duration_sum,
  coalesce(sum(tokens_input), 0) AS tokens_input, coalesce(sum(tokens_output), 0) AS tokens_output,
  coalesce(sum(tokens_cache_read), 0) AS tokens_cache_read, coalesce(sum(tokens_cache_write), 0) AS tokens_cache_write,
  coalesce(sum(tokens_total), 0) AS tokens_total, coalesce(sum(cost_micros), 0) AS cost_micros`
const ADD = MEASURE_COLUMNS.map((c) => `${c} = rollups.${c} + EXCLUDED.${c}`).join(', ')
export const DIMS: Record<string, [string, string]> = {
  total: ["coalesce(agent, '')", "''"],
  model: ["''", "coalesce(model, '')"],
  service: ["''", "coalesce(service, '')"],
  agent_model: ["coalesce(agent, '')", "coalesce(model, '')"],
  agent_service: ["coalesce(agent, '')", "coalesce(service, '')"],
}
/** For each latency dimension set: the agent column it groups by. */
export const LATENCY_DIMS: Record<string, string> = { all: "''", agent: "coalesce(agent, '')" }
export const PG_LATENCY_BUCKET =
  'CASE WHEN duration_ms <= 1 THEN 0 ELSE ceil(ln(duration_ms) / ln(1.05) - 1e-9)::int END'

/** Rollup upserts over the events of one org with seq in [$2, $3): one per dimension set and grain. */
const ROLLUPS: string[] = []
for (const [grain, size] of [
  ['h', HOUR_MS],
  ['d', DAY_MS],
] as const) {
  for (const [dim, [agent, value]] of Object.entries(DIMS))
    ROLLUPS.push(`INSERT INTO rollups SELECT org_id, '${grain}', '${dim}', (ts / ${size}) * ${size}, environment, ${agent}, ${value}, ${MEASURES}
      FROM events WHERE org_id = $1 AND seq >= $2 AND seq < $3 GROUP BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (org_id, grain, dim, bucket, environment, agent, value) DO UPDATE SET ${ADD}`)
  for (const [dim, agent] of Object.entries(LATENCY_DIMS))
    ROLLUPS.push(`INSERT INTO latency_rollups SELECT org_id, '${grain}', '${dim}', (ts / ${size}) * ${size}, environment, ${agent}, ${PG_LATENCY_BUCKET}, count(*)
      FROM events WHERE org_id = $1 AND seq >= $2 AND seq < $3 AND duration_ms IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (org_id, grain, dim, bucket, environment, agent, latency) DO UPDATE SET events = latency_rollups.events + EXCLUDED.events`)
}
const AGENTS_UPSERT = `INSERT INTO agents (org_id, environment, name, first_seen, last_seen, events, errors, tokens_total, cost_micros)
  SELECT org_id, environment, agent, min(ts), max(ts), count(*), count(*) FILTER (WHERE status = 'error'),
    coalesce(sum(tokens_total), 0), coalesce(sum(cost_micros), 0)
  FROM events WHERE org_id = $1 AND seq >= $2 AND seq < $3 AND agent IS NOT NULL GROUP BY 1, 2, 3
  ON CONFLICT (org_id, environment, name) DO UPDATE SET first_seen = least(agents.first_seen, EXCLUDED.first_seen),
    last_seen = greatest(agents.last_seen, EXCLUDED.last_seen), events = agents.events + EXCLUDED.events,
    errors = agents.errors + EXCLUDED.errors, tokens_total = agents.tokens_total + EXCLUDED.tokens_total,
    cost_micros = agents.cost_micros + EXCLUDED.cost_micros`

/** The org's usage in the receive month ($4, `YYYY-MM`) grows by the new events that are not the server's own ($5; see usage-month.ts). */
const USAGE_ADD = `INSERT INTO org_usage (org_id, month, events) SELECT $1, $4, $5::bigint WHERE $5::bigint > 0
  ON CONFLICT (org_id, month) DO UPDATE SET events = org_usage.events + EXCLUDED.events`

/**
 * All of them as one statement (one round trip): data-modifying CTEs all run, on one snapshot.
 * Each upserts rows the others never touch (the dimension set is part of every key).
 */
const DERIVED = [...ROLLUPS, AGENTS_UPSERT, ...CONVERSATION_DERIVED, USAGE_ADD]
const DERIVE = `WITH ${DERIVED.map((sql, i) => `d${i} AS (${sql} RETURNING 1)`).join(',\n')}
  SELECT ${DERIVED.map((_, i) => `(SELECT count(*) FROM d${i})`).join(' + ')} AS rows`

const NOTIFY = `RETURNING pg_notify('${COMMIT_CHANNEL}', $1 || ':' || ($2::bigint - 1))`
const ADVANCE_SEQ = `UPDATE orgs SET next_seq = $2 WHERE id = $1 ${NOTIFY}`
const LOG = logSql(3)
/** The same with the transaction's Merkle log rows and head ($3 to $10, postgres-log-writes.ts): one round trip. */
const ADVANCE_SEQ_AND_LOG = `WITH ${LOG.rows}\nUPDATE orgs SET next_seq = $2, ${LOG.head} WHERE id = $1 ${NOTIFY}`

/**
 * The append transaction on PostgreSQL (see `appendInTransaction`), committed. `cache` holds the
 * orgs' compiled controls for this process.
 */
export async function appendPostgres(
  client: pg.PoolClient,
  items: readonly AppendItem[],
  cache: ControlsCache,
  enforce: Enforcement,
  log = true,
): Promise<AppendOutcome[]> {
  return withTransaction(client, (tx) => appendInTransaction(tx, items, cache, enforce, log))
}

/**
 * Appends inside the caller's transaction. Each org's counter row is locked (`FOR UPDATE`, orgs in
 * sorted order) before its events are numbered, so appends of one org serialize across every
 * server process until commit: seq is gap-free and in commit order, and the control plane judges
 * the org's actions one at a time (`enforce`, control/enforcement.ts; a duplicate id is not judged
 * again). Rows go in with one multi-row statement; rollups, agents, the conversation summary, tags
 * and the org's monthly usage are derived from them in the same transaction (usage counts new
 * events only: a duplicate id is skipped before this). Each new event's leaf joins the org's Merkle
 * log in seq order, with the interior nodes it completes and the new head, in one more statement
 * (`log` false leaves it out: the benchmark's baseline only; a later append with it catches up).
 * The search index is not written here: it follows the append (postgres-search-index.ts).
 */
export async function appendInTransaction(
  client: pg.PoolClient,
  items: readonly AppendItem[],
  cache: ControlsCache,
  enforce: Enforcement,
  log = true,
): Promise<AppendOutcome[]> {
  const receivedAt = Date.now()
  const receivedIso = new Date(receivedAt).toISOString()
  const month = usageMonth(receivedAt)
  type Entry = {
    index: number
    event: NewEvent
    system: boolean
    reservedMonth?: string
    batch?: string
    leaf?: LeafInput
  }
  const byOrg = new Map<string, Entry[]>()
  items.forEach(({ orgId, event, system, reservedMonth, batch, leaf }, index) => {
    let list = byOrg.get(orgId)
    if (!list) byOrg.set(orgId, (list = []))
    list.push({
      index,
      event,
      system: system === true,
      ...(reservedMonth !== undefined && { reservedMonth }),
      ...(batch !== undefined && { batch }),
      ...(leaf !== undefined && { leaf }),
    })
  })
  const outcomes: AppendOutcome[] = new Array(items.length)
  const ops = postgresControlOps(client, cache)
  for (const orgId of [...byOrg.keys()].sort()) {
    const list = byOrg.get(orgId) as Entry[]
    const org = await lockOrg(client, orgId)
    const first = Number(org?.nextSeq)
    const version = Number(org?.controlVersion)
    const ids = [...new Set(list.map((x) => x.event.id))]
    const existing = new Map(
      (
        await client.query<{
          id: string
          seq: string
          received_at: string
          control: string | null
        }>('SELECT id, seq, received_at, control FROM events WHERE org_id = $1 AND id = ANY($2)', [
          orgId,
          ids,
        ])
      ).rows.map((r) => [
        r.id,
        {
          seq: Number(r.seq),
          received_at: new Date(Number(r.received_at)).toISOString(),
          ...(r.control !== null && { control: JSON.parse(r.control) as ControlNote }),
        },
      ]),
    )
    const fresh: InsertedEvent[] = []
    // Each fresh event's salt (base64), in `fresh` order: it goes in with the event's row.
    const salts: (string | null)[] = []
    // The fresh events' prepared leaves, in seq order, finished once the rows are on their way.
    const leaves: { seq: number; prepared: LeafInput; event: NewEvent }[] = []
    let seq = first
    let counted = 0
    // The list grows while it is walked: the control plane's own records (budget thresholds) join it.
    // Places the plan's monthly limit reserved for events that turn out to be stored already, per month.
    const unused = new Map<string, number>()
    const orgLog = log && org ? await openOrgLog(client, orgId, first - 1, org) : undefined
    // Events gone before the log reached them: a tombstone in this transaction says so.
    for (const tombstone of gapTombstones(orgLog?.gaps ?? [], receivedAt))
      list.push({ index: -1, event: tombstone, system: true })
    for (const { index, event: sent, system, reservedMonth, batch, leaf } of list) {
      const known = existing.get(sent.id)
      if (known) {
        if (index >= 0) outcomes[index] = { id: sent.id, ...known, duplicate: true }
        if (reservedMonth !== undefined)
          unused.set(reservedMonth, (unused.get(reservedMonth) ?? 0) + 1)
        continue
      }
      let event = sent
      let control: Pick<AppendOutcome, 'control'> = {}
      if (!system && enforce.judges(event) && !unrestricted(await ops.controls(orgId, version))) {
        const judged = await runOpsAsync(enforce.event(orgId, event, receivedAt, version), ops)
        if (judged.note) {
          event = { ...event, control: judged.note }
          control = { control: judged.note }
        }
        for (const r of judged.records) list.push({ index: -1, event: r.event, system: r.system })
      }
      existing.set(event.id, { seq, received_at: receivedIso, ...control })
      // The transaction's own records were not prepared before it: they are prepared here.
      const prepared = orgLog && (leaf ?? prepareEventLeaf(orgId, event))
      if (prepared) leaves.push({ seq, prepared, event })
      salts.push(prepared ? prepared.salt : null)
      fresh.push({ orgId, event, seq, system, ...(batch !== undefined && { batch }) })
      // Reserved events were counted when their request was admitted (plan-gate.ts).
      if (!system && reservedMonth === undefined) counted++
      if (index >= 0)
        outcomes[index] = {
          id: event.id,
          seq,
          received_at: receivedIso,
          duplicate: false,
          ...control,
        }
      seq++
    }
    for (const [reserved, n] of unused)
      await client.query(
        'UPDATE org_usage SET events = greatest(0, events - $3) WHERE org_id = $1 AND month = $2',
        [orgId, reserved, n],
      )
    if (fresh.length === 0) continue
    const columns: unknown[][] = EVENT_COLUMNS.map(() => [])
    for (const { event, seq: s } of fresh)
      eventRowValues(orgId, event, s, receivedAt).forEach((v, i) =>
        (columns[i] as unknown[]).push(v),
      )
    // Named, so each connection prepares the hot statements once. The leaves are finished and
    // hashed while the database inserts the rows (the org's lock is held meanwhile).
    const inserting = client.query({
      name: 'append-events',
      text: INSERT_EVENTS,
      values: [...columns, salts],
    })
    try {
      for (const l of leaves) orgLog?.appendPrepared(l.seq, l.prepared, receivedIso, l.event)
    } finally {
      await inserting
    }
    // The counter moves on and, in the same round trip, every server's streams and dispatcher are
    // told at commit that the org has events up to seq - 1 (postgres-commit-feed.ts).
    await client.query(
      orgLog
        ? {
            name: 'append-seq-log',
            text: ADVANCE_SEQ_AND_LOG,
            values: [orgId, seq, ...logRowValues(orgLog, receivedAt)],
          }
        : { name: 'append-seq', text: ADVANCE_SEQ, values: [orgId, seq] },
    )
    const tags = fresh.flatMap(({ event, seq: s }) =>
      event.tags.map((tag) => [tag, event.ts, s] as const),
    )
    if (tags.length > 0)
      await client.query(
        'INSERT INTO event_tags (org_id, tag, ts, seq) SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[]) ON CONFLICT DO NOTHING',
        [orgId, tags.map((t) => t[0]), tags.map((t) => t[1]), tags.map((t) => t[2])],
      )
    for (const { event } of fresh)
      if (event.system_prompt !== null && event.system_prompt_sha256 !== null)
        await client.query(
          'INSERT INTO system_prompts (org_id, sha256, text, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [orgId, event.system_prompt_sha256, event.system_prompt, receivedAt],
        )
    await writeOutbox(client, cache, orgId, Number(org?.notifyVersion), fresh, receivedAt)
    await client.query({
      name: 'append-derive',
      text: DERIVE,
      values: [orgId, first, seq, month, counted],
    })
  }
  return outcomes
}
