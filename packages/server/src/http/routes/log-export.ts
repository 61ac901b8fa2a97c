import { consistencyProof } from '@agenttrail/protocol'
import type { Event } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { Config } from '../../config.js'
import { logKeyView, logOrigin, originPrefix } from '../../log/log-identity.js'
import type { Logger } from '../../log.js'
import type { LogCheckpoint } from '../../store/log-checkpoint-store.js'
import type { Store } from '../../store/store.js'

/** Leaves (with their events and salts) read per pull of the stream. */
const ENTRY_PAGE = 1_000
const CHECKPOINT_PAGE = 200
const b64 = (hash: Uint8Array) => Buffer.from(hash).toString('base64')

/** An inclusive seq range erased, with the seq of the tombstone that erased it. */
export type Erased = [first: number, last: number, tombstone: number]

/**
 * The ranges erased, sorted by first seq, with `reach[i]` the largest `last` among ranges 0..i:
 * tombstone ranges can overlap (the start-up backfill's gap tombstone over an older erasure's),
 * so a search walks back from the last range starting at or before a seq while `reach` still
 * covers it.
 */
interface Erasures {
  ranges: Erased[]
  reach: number[]
}

/**
 * The tombstones of the org (audit events `log.erasure`, whose `metadata.erased` lists the inclusive
 * seq ranges they erased), as ranges sorted by their first seq.
 */
async function erasuresOf(store: Store, orgId: string): Promise<Erasures> {
  const ranges: Erased[] = []
  let after: Parameters<Store['events']['query']>[2]['after']
  do {
    const page = await store.events.query(
      orgId,
      { kind: 'audit', action: 'log.erasure' },
      { limit: 1_000, after },
    )
    for (const tombstone of page.items) {
      const erased = (tombstone.metadata as { erased?: unknown } | null)?.erased
      if (!Array.isArray(erased)) continue
      for (const range of erased)
        if (
          Array.isArray(range) &&
          Number.isSafeInteger(range[0]) &&
          Number.isSafeInteger(range[1])
        )
          ranges.push([range[0] as number, range[1] as number, tombstone.seq])
    }
    after = page.next
  } while (after)
  return indexErasures(ranges)
}

/** The ranges sorted by first seq, with their `reach`. */
export function indexErasures(ranges: Erased[]): Erasures {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[2] - b[2])
  const reach: number[] = []
  for (const [i, range] of sorted.entries()) reach.push(Math.max(range[1], reach[i - 1] ?? -1))
  return { ranges: sorted, reach }
}

/** The first (lowest seq) tombstone whose ranges cover `seq`; undefined when none does. */
export function tombstoneOf({ ranges, reach }: Erasures, seq: number): number | undefined {
  // The last range that starts at or before seq.
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if ((ranges[mid] as Erased)[0] <= seq) lo = mid + 1
    else hi = mid - 1
  }
  let found: number | undefined
  for (let i = hi; i >= 0 && (reach[i] as number) >= seq; i--) {
    const [, last, tombstone] = ranges[i] as Erased
    if (last >= seq && (found === undefined || tombstone < found)) found = tombstone
  }
  return found
}

/** The largest tombstone seq past `size` that erased a seq within `size`; 0 when none did. */
function pendingTombstone({ ranges }: Erasures, size: number): number {
  let pending = 0
  for (const [first, , tombstone] of ranges)
    if (first <= size && tombstone > size) pending = Math.max(pending, tombstone)
  return pending
}

/** How long an export waits for a checkpoint covering a recent erasure's tombstone, and how often it looks. */
const TOMBSTONE_WAIT_MS = 5_000
const TOMBSTONE_POLL_MS = 200

/**
 * The latest checkpoint and the tombstones, once every erasure of a leaf within the checkpoint has
 * its tombstone within it too. An erasure committed after the latest checkpoint erased leaves the
 * checkpoint covers, but its tombstone lies beyond: exported as is, an honest log would look
 * tampered (`erased_without_tombstone`). The next checkpoint covers it; waited for up to
 * TOMBSTONE_WAIT_MS, then 503 `log_export_pending`.
 */
async function coveredState(
  store: Store,
  orgId: string,
): Promise<{ latest: LogCheckpoint; erasures: Erasures }> {
  const deadline = Date.now() + TOMBSTONE_WAIT_MS
  for (;;) {
    const latest = await store.checkpoints.latest(orgId)
    if (!latest)
      throw new AppError(
        'no_checkpoint',
        'this org has no signed checkpoint yet: nothing to export',
      )
    const erasures = await erasuresOf(store, orgId)
    if (pendingTombstone(erasures, latest.size) === 0) return { latest, erasures }
    if (Date.now() >= deadline)
      throw new AppError(
        'log_export_pending',
        'an erasure committed after the latest checkpoint is not yet covered by a signed checkpoint; retry in a moment',
      ).with({ retryAfter: 1 })
    await new Promise((resolve) => setTimeout(resolve, TOMBSTONE_POLL_MS))
  }
}

/**
 * The verifiable export of an org's log (docs/integrity.md, format `agenttrail-log-export/1`):
 * JSONL with a header, the signing keys (oldest first), one entry per leaf up to the latest
 * checkpoint's size in seq order (the event as the API gives it and its salt, or, for an erased
 * event, the leaf text and the seq of the tombstone that erased it), every checkpoint up to that
 * one with the RFC 6962 consistency proof from the checkpoint before it, and an end line. Pulled
 * from the store a page at a time as the client reads (back-pressure): memory stays flat.
 */
export async function exportLog(
  store: Store,
  config: Pick<Config, 'logOrigin'>,
  orgId: string,
  logger: Logger,
): Promise<Response> {
  const { latest, erasures: known } = await coveredState(store, orgId)
  let erasures = known
  const keys = await store.checkpoints.keys()
  const origin = logOrigin(originPrefix(config.logOrigin, keys), orgId)
  const size = latest.size
  const mth = (lo: number, hi: number) => store.log.rangeHash(orgId, lo, hi)
  const line = (value: unknown) => `${JSON.stringify(value)}\n`

  let next = 0 // the next leaf index to export
  let afterN = 0 // the last checkpoint number exported
  let previousSize = 0
  let done = false
  let cut = false // an erasure committed while streaming: the export ends without its end line
  // The header and the keys go out with the first pull.
  let head: string | undefined = [
    line({
      type: 'header',
      format: 'agenttrail-log-export/1',
      org_id: orgId,
      origin,
      tree_size: size,
      generated_at: new Date().toISOString(),
    }),
    ...keys.map((k) => line({ type: 'key', ...logKeyView(k, origin) })),
  ].join('')

  const entries = async (): Promise<string> => {
    const end = Math.min(next + ENTRY_PAGE, size)
    const [leaves, events, salts] = await Promise.all([
      store.log.leaves(orgId, next, end),
      store.events.since(orgId, next, end - next),
      store.log.openings(orgId, next + 1, end),
    ])
    const bySeq = new Map<number, Event>(events.map((e) => [e.seq, e]))
    let rereadPage = false
    let text = ''
    for (const leaf of leaves) {
      const seq = leaf.index + 1
      const event = bySeq.get(seq)
      const salt = salts.get(seq)
      if (event && salt)
        text += line({ type: 'entry', seq, leaf_hash: b64(leaf.hash), event, salt: b64(salt) })
      else {
        let tombstone = tombstoneOf(erasures, seq)
        // Erased while the export streams: its tombstone may be new (read the tombstones again,
        // at most once a page), or lie past `size`. An entry that names no tombstone when one
        // exists would make an honest log look tampered.
        if ((tombstone === undefined || tombstone > size) && !rereadPage) {
          rereadPage = true
          erasures = await erasuresOf(store, orgId)
          tombstone = tombstoneOf(erasures, seq)
        }
        if (tombstone !== undefined && tombstone > size) {
          logger.warn('a log export was cut short: a leaf was erased while it streamed', {
            org_id: orgId,
            seq,
            tree_size: size,
          })
          cut = true
          return text
        }
        // No tombstone at all: the event and its salt went without an erasure (rows deleted in the
        // database). The leaf goes out without `erased_by`, and the verifier reports it.
        text += line({
          type: 'entry',
          seq,
          leaf_hash: b64(leaf.hash),
          leaf: leaf.leaf,
          ...(tombstone !== undefined && { erased_by: tombstone }),
        })
      }
    }
    if (leaves.length !== end - next) throw new Error(`the log is missing leaves below ${end}`)
    next = end
    return text
  }

  const checkpoints = async (): Promise<string> => {
    const page = await store.checkpoints.list(orgId, { afterN, limit: CHECKPOINT_PAGE })
    let text = ''
    for (const c of page) {
      if (c.n > latest.n) break
      const proof = await consistencyProof(previousSize, c.size, mth)
      text += line({
        type: 'checkpoint',
        tree_size: c.size,
        created_at: new Date(c.createdAt).toISOString(),
        note: c.note,
        consistency: proof.map(b64),
      })
      previousSize = c.size
      afterN = c.n
    }
    if (afterN >= latest.n || page.length < CHECKPOINT_PAGE) {
      text += line({ type: 'end', entries: size })
      done = true
    }
    return text
  }

  const encoder = new TextEncoder()
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const text = head ?? (next < size ? await entries() : await checkpoints())
        head = undefined
        controller.enqueue(encoder.encode(text))
        if (done || cut) controller.close()
      },
    },
    { highWaterMark: 1 },
  )
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  return new Response(stream, {
    headers: {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="agenttrail-log-${stamp}.jsonl"`,
    },
  })
}
