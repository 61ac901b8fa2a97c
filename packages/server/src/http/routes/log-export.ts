import { consistencyProof } from '@agenttrail/protocol'
import type { Event } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { Config } from '../../config.js'
import { logKeyView, logOrigin, originPrefix } from '../../log/log-identity.js'
import type { Store } from '../../store/store.js'

/** Leaves (with their events and salts) read per pull of the stream. */
const ENTRY_PAGE = 1_000
const CHECKPOINT_PAGE = 200
const b64 = (hash: Uint8Array) => Buffer.from(hash).toString('base64')

/** Inclusive seq ranges erased, each with the seq of the tombstone that erased it, by first seq. */
type Erasures = Array<[first: number, last: number, tombstone: number]>

/**
 * The tombstones of the org (audit events `log.erasure`, whose `metadata.erased` lists the inclusive
 * seq ranges they erased), as ranges sorted by their first seq.
 */
async function erasuresOf(store: Store, orgId: string): Promise<Erasures> {
  const ranges: Erasures = []
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
  return ranges.sort((a, b) => a[0] - b[0] || a[2] - b[2])
}

/** The tombstone whose ranges cover `seq`, by binary search over ranges that do not overlap. */
function tombstoneOf(erasures: Erasures, seq: number): number | undefined {
  let lo = 0
  let hi = erasures.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [first, last, tombstone] = erasures[mid] as Erasures[number]
    if (seq < first) hi = mid - 1
    else if (seq > last) lo = mid + 1
    else return tombstone
  }
  return undefined
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
): Promise<Response> {
  const latest = await store.checkpoints.latest(orgId)
  if (!latest)
    throw new AppError('no_checkpoint', 'this org has no signed checkpoint yet: nothing to export')
  const keys = await store.checkpoints.keys()
  const origin = logOrigin(originPrefix(config.logOrigin, keys), orgId)
  const erasures = await erasuresOf(store, orgId)
  const size = latest.size
  const mth = (lo: number, hi: number) => store.log.rangeHash(orgId, lo, hi)
  const line = (value: unknown) => `${JSON.stringify(value)}\n`

  let next = 0 // the next leaf index to export
  let afterN = 0 // the last checkpoint number exported
  let previousSize = 0
  let done = false
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
    let text = ''
    for (const leaf of leaves) {
      const seq = leaf.index + 1
      const event = bySeq.get(seq)
      const salt = salts.get(seq)
      if (event && salt)
        text += line({ type: 'entry', seq, leaf_hash: b64(leaf.hash), event, salt: b64(salt) })
      else {
        const tombstone = tombstoneOf(erasures, seq)
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
        if (done) controller.close()
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
