import { z } from 'zod'
import { consistencyProof, inclusionPath, keyId } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { Config } from '../../config.js'
import type { Logger } from '../../log.js'
import { logKeyView, logOrigin, originPrefix } from '../../log/log-identity.js'
import type { LogCheckpoint } from '../../store/log-checkpoint-store.js'
import { MAX_LEAVES_PER_READ } from '../../store/log-store.js'
import type { Store } from '../../store/store.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'
import { exportLog } from './log-export.js'
import {
  CheckpointPageSchema,
  ConsistencyProofSchema,
  InclusionProofSchema,
  LeavesSchema,
  LogKeysSchema,
  LogStatusSchema,
  sizeParam,
} from './log-schemas.js'

const TAG = 'integrity'
const b64 = (hash: Uint8Array) => Buffer.from(hash).toString('base64')

export function checkpointView(c: LogCheckpoint) {
  return {
    tree_size: c.size,
    root_hash: b64(c.root),
    created_at: new Date(c.createdAt).toISOString(),
    kind: c.kind,
    note: c.note,
  }
}

/** The org log's keys with their validity windows (none before the server first started). */
async function keysOf(store: Store, config: Pick<Config, 'logOrigin'>, orgId: string) {
  const keys = await store.checkpoints.keys()
  if (keys.length === 0) return []
  const origin = logOrigin(originPrefix(config.logOrigin, keys), orgId)
  return keys.map((key) => logKeyView(key, origin))
}

/** The checkpoint of exactly `size` leaves: a 404 `not_checkpointed` naming where to look otherwise. */
async function checkpointOf(store: Store, orgId: string, size: number, what: string) {
  const checkpoint = await store.checkpoints.atSize(orgId, size)
  if (!checkpoint)
    throw new AppError(
      'not_checkpointed',
      `${what} ${size} is not the size of a signed checkpoint; GET /api/v1/log/checkpoints lists them`,
    )
  return checkpoint
}

/**
 * The integrity log's read API (docs/integrity.md): signed checkpoints, RFC 6962 inclusion and
 * consistency proofs, the leaves, the signing keys, and the verifiable export. Hashes are base64.
 */
export function logRoutes(
  router: Router,
  deps: { store: Store; config: Pick<Config, 'logOrigin'>; logger: Logger },
): void {
  const { store, config, logger } = deps
  const mthOf = (orgId: string) => (lo: number, hi: number) => store.log.rangeHash(orgId, lo, hi)

  router.add(
    {
      method: 'get',
      path: '/api/v1/log/checkpoint',
      tag: TAG,
      scope: 'read',
      summary: "The org log's latest signed checkpoint",
      description:
        'A C2SP tlog-checkpoint in the signed-note format: origin, tree size and base64 root, then the Ed25519 signature and a timestamped cosignature (the time it was signed).',
      responses: {
        200: {
          description: 'The note',
          schema: z.string().describe('A signed note (C2SP signed-note, tlog-checkpoint).'),
          contentTypes: ['text/plain'],
        },
        404: { description: 'No checkpoint yet', schema: ErrorBodySchema },
      },
    },
    async (c, { key }) => {
      const latest = await store.checkpoints.latest(key.org_id)
      if (!latest)
        throw new AppError(
          'no_checkpoint',
          'this org has no signed checkpoint yet; one is signed within about a second of its first event',
        )
      return c.body(latest.note, 200, { 'Content-Type': 'text/plain; charset=utf-8' })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/log/checkpoints',
      tag: TAG,
      scope: 'read',
      summary: "The org log's signed checkpoints, oldest first",
      query: z.object({
        after_size: sizeParam.optional().describe('Only checkpoints of more leaves than this.'),
        limit: z.coerce.number().int().min(1).max(1_000).default(100).describe('Default 100.'),
        cursor: z
          .string()
          .regex(/^[1-9][0-9]{0,15}$/, 'must be the next_cursor of a previous page')
          .optional()
          .describe('`next_cursor` of the previous page.'),
      }),
      responses: {
        200: { description: 'A page of checkpoints', schema: CheckpointPageSchema },
        400: { description: 'A bad parameter', schema: ErrorBodySchema },
      },
    },
    async (c, { query, key }) => {
      const page = await store.checkpoints.list(key.org_id, {
        afterN: query.cursor === undefined ? 0 : Number(query.cursor),
        minSize: query.after_size === undefined ? 0 : query.after_size + 1,
        limit: query.limit,
      })
      const last = page.at(-1)
      return c.json({
        checkpoints: page.map(checkpointView),
        next_cursor: page.length === query.limit && last ? String(last.n) : null,
      })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/events/{id}/proof',
      tag: TAG,
      scope: 'read',
      summary: "An event's inclusion proof",
      description:
        "RFC 6962 PATH of the event's leaf (index seq - 1) in the tree of `tree_size` leaves, which must be the size of a signed checkpoint (default: the latest), with that checkpoint. Verify with RFC 9162 §2.1.3.2.",
      params: z.object({ id: z.string() }),
      query: z.object({
        tree_size: sizeParam.optional().describe('A checkpointed tree size. Default the latest.'),
      }),
      responses: {
        200: { description: 'The proof', schema: InclusionProofSchema },
        400: { description: 'A bad tree_size', schema: ErrorBodySchema },
        404: {
          description: 'No such event, or no checkpoint of that size or covering it',
          schema: ErrorBodySchema,
        },
      },
    },
    async (c, { params, query, key }) => {
      const orgId = key.org_id
      const event = await store.events.get(orgId, params.id)
      if (!event) throw new AppError('not_found', 'no event with this id in your org')
      const index = event.seq - 1
      let checkpoint: LogCheckpoint
      if (query.tree_size !== undefined) {
        if (query.tree_size <= index)
          throw new AppError(
            'invalid_query',
            `tree_size: the event's leaf index is ${index}, so the tree must have more than ${index} leaves`,
          )
        checkpoint = await checkpointOf(store, orgId, query.tree_size, 'tree_size')
      } else {
        const latest = await store.checkpoints.latest(orgId)
        if (!latest || latest.size <= index)
          throw new AppError(
            'not_checkpointed',
            'no signed checkpoint covers this event yet; one is signed within about a second',
          )
        checkpoint = latest
      }
      const [leaf] = await store.log.leaves(orgId, index, index + 1)
      if (!leaf) throw new Error(`the log has no leaf ${index} below its checkpoint`)
      const hashes = await inclusionPath(index, checkpoint.size, mthOf(orgId))
      return c.json({
        leaf_index: index,
        tree_size: checkpoint.size,
        leaf_hash: b64(leaf.hash),
        leaf: leaf.leaf,
        hashes: hashes.map(b64),
        checkpoint: checkpoint.note,
      })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/log/proof/consistency',
      tag: TAG,
      scope: 'read',
      summary: 'A consistency proof between two tree sizes',
      description:
        "RFC 6962 PROOF(first, D[second]): the tree of `second` leaves (a signed checkpoint's size) extends the tree of `first` leaves. Verify with RFC 9162 §2.1.4.2.",
      query: z.object({ first: sizeParam, second: sizeParam }),
      responses: {
        200: { description: 'The proof', schema: ConsistencyProofSchema },
        400: { description: 'A bad size, or first > second', schema: ErrorBodySchema },
        404: { description: 'second is not a checkpointed size', schema: ErrorBodySchema },
      },
    },
    async (c, { query, key }) => {
      const { first, second } = query
      if (first > second)
        throw new AppError(
          'invalid_query',
          `first (${first}) must not be more than second (${second})`,
        )
      await checkpointOf(store, key.org_id, second, 'second')
      const hashes = await consistencyProof(first, second, mthOf(key.org_id))
      return c.json({ first, second, hashes: hashes.map(b64) })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/log/leaves',
      tag: TAG,
      scope: 'read',
      summary: 'The leaves of a range',
      description: `Leaves with index from \`start\` (inclusive) to \`end\` (exclusive), at most ${MAX_LEAVES_PER_READ}; leaf index = seq - 1.`,
      query: z.object({ start: sizeParam, end: sizeParam }),
      responses: {
        200: { description: 'The leaves, in order', schema: LeavesSchema },
        400: { description: 'A bad range', schema: ErrorBodySchema },
      },
    },
    async (c, { query, key }) => {
      const { start, end } = query
      if (start >= end) throw new AppError('invalid_query', 'start must be less than end')
      if (end - start > MAX_LEAVES_PER_READ)
        throw new AppError('invalid_query', `at most ${MAX_LEAVES_PER_READ} leaves per request`)
      const { size } = await store.log.head(key.org_id)
      if (end > size)
        throw new AppError('invalid_query', `end (${end}) is past the log's size (${size})`)
      const leaves = await store.log.leaves(key.org_id, start, end)
      return c.json({
        leaves: leaves.map((l) => ({ seq: l.index + 1, leaf_hash: b64(l.hash), leaf: l.leaf })),
      })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/log/keys',
      tag: TAG,
      scope: 'read',
      summary: "The org log's signing keys, with their validity windows",
      responses: { 200: { description: 'Oldest first', schema: LogKeysSchema } },
    },
    async (c, { key }) => c.json({ keys: await keysOf(store, config, key.org_id) }),
  )

  router.add(
    {
      method: 'get',
      path: '/.well-known/agenttrail/log-keys',
      tag: TAG,
      summary: "An org log's signing keys (public, no key needed)",
      description:
        'The same list as `GET /api/v1/log/keys`, for the org named by `org`: what an auditor pins. Pin keys out of band too; never only from the export under audit.',
      query: z.object({ org: z.string().min(1).max(200).describe('The org id.') }),
      responses: {
        200: { description: 'Oldest first', schema: LogKeysSchema },
        400: { description: 'No org', schema: ErrorBodySchema },
      },
    },
    async (c, { query }) => c.json({ keys: await keysOf(store, config, query.org) }),
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/log/status',
      tag: TAG,
      scope: 'read',
      summary: "The org log's size and its latest checkpoint",
      responses: { 200: { description: 'The status', schema: LogStatusSchema } },
    },
    async (c, { key }) => {
      const orgId = key.org_id
      const [head, trailSeq, latest, keys] = await Promise.all([
        store.log.head(orgId),
        store.events.head(orgId),
        store.checkpoints.latest(orgId),
        store.checkpoints.keys(),
      ])
      const current = keys.find((k) => k.notAfter === null)
      const origin = current && logOrigin(originPrefix(config.logOrigin, keys), orgId)
      return c.json({
        tree_size: head.size,
        trail_seq: trailSeq,
        latest_checkpoint: latest
          ? {
              tree_size: latest.size,
              created_at: new Date(latest.createdAt).toISOString(),
              root_hash: b64(latest.root),
            }
          : null,
        key_id: current && origin ? keyId(origin, 0x01, current.publicKey).toString('hex') : null,
        lag_events: head.size - (latest?.size ?? 0),
      })
    },
  )

  router.add(
    {
      method: 'get',
      path: '/api/v1/log/export',
      tag: TAG,
      scope: 'read',
      summary: 'The verifiable export of the org log (JSONL)',
      description:
        'Streamed in constant memory: a header, the signing keys, one entry per leaf up to the latest checkpoint (a live event with its salt, or an erased leaf with the tombstone that erased it), then every checkpoint with the consistency proof from the one before, and an end line. `agenttrail verify` checks it offline.',
      responses: {
        200: {
          description: 'The export',
          schema: z.string().describe('JSONL, format agenttrail-log-export/1 (docs/api.md).'),
          contentTypes: ['application/x-ndjson'],
        },
        404: { description: 'No checkpoint yet', schema: ErrorBodySchema },
        503: {
          description:
            'An erasure committed after the latest checkpoint is not yet covered by one (waited about 5 s); `Retry-After: 1`',
          schema: ErrorBodySchema,
        },
      },
    },
    async (_c, { key }) => exportLog(store, config, key.org_id, logger),
  )
}
