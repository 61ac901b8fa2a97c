import { z } from 'zod'
import { AgentTrailError } from 'agenttrail'
import type { TrustedKeys } from 'agenttrail'
import { READS, defineTool, id } from '../trail-tool.js'
import type { ToolContext } from '../trail-tool.js'

// The integrity log (docs/integrity.md): its status, and two checks that run in this process with
// the SDK's verifiers, so a model can tell a user whether the trail was altered without trusting
// the server's word for it: only its signed checkpoints and the keys (pinned, or as published).

const Checkpoint = z.object({
  origin: z.string(),
  tree_size: z.number(),
  root_hash: z.string().describe('Base64 SHA-256.'),
  key_id: z.string().describe('The key whose signature verified (hex).'),
  signed_at: z.string().nullable().describe('Its timestamped cosignature, ISO 8601.'),
})
const KEYS = z
  .enum(['pinned', 'published'])
  .describe(
    '`pinned`: keys given to this MCP server out of band; `published`: the keys the AgentTrail server lists (proves the log is consistent with itself, not that its operator is honest).',
  )

const keysOf = (ctx: ToolContext): TrustedKeys | undefined => ctx.logKeys

export const logStatus = defineTool({
  name: 'log_status',
  title: 'Integrity log status',
  description:
    "The org's tamper-evident log: how many events it holds (tree size) against the trail's highest seq, the latest signed checkpoint (size, root, when, and how many seconds ago), the signing key id, and how many events no checkpoint covers yet (lag). A checkpoint is signed about a second after new events and hourly otherwise, so an age over an hour or a growing lag means the signer has stopped. Use verify_event or verify_log to check proofs.",
  scope: 'read',
  writes: false,
  inputSchema: {},
  outputSchema: {
    tree_size: z.number().describe('Events (leaves) in the log.'),
    trail_seq: z.number().describe('The highest seq the org has committed.'),
    lag_events: z.number().describe('Leaves not yet covered by a signed checkpoint.'),
    key_id: z.string().nullable().describe('The current signing key (hex).'),
    latest_checkpoint: z
      .object({
        tree_size: z.number(),
        root_hash: z.string(),
        created_at: z.string(),
        age_seconds: z.number().describe('Seconds since it was signed.'),
      })
      .nullable(),
  },
  annotations: READS,
  async run(_args, { reader }) {
    const s = await reader.logStatus()
    const latest = s.latest_checkpoint && {
      ...s.latest_checkpoint,
      age_seconds: Math.max(
        0,
        Math.round((Date.now() - Date.parse(s.latest_checkpoint.created_at)) / 1000),
      ),
    }
    const structured = {
      tree_size: s.tree_size,
      trail_seq: s.trail_seq,
      lag_events: s.lag_events,
      key_id: s.key_id,
      latest_checkpoint: latest,
    }
    const head = `The log holds ${s.tree_size} events (trail seq ${s.trail_seq}); ${s.lag_events} not yet in a signed checkpoint.`
    const text = latest
      ? `${head} Latest checkpoint: ${latest.tree_size} events, root ${latest.root_hash}, signed ${latest.created_at} (${latest.age_seconds} s ago) by key ${s.key_id ?? 'unknown'}.`
      : `${head} No checkpoint has been signed yet.`
    return { structured, text }
  },
})

export const verifyEvent = defineTool({
  name: 'verify_event',
  title: 'Verify an event is in the signed log',
  description:
    "Proves that one event is in the org's tamper-evident log exactly as committed: fetches the event, its inclusion proof, the signed checkpoint and the signing keys, and checks here (not on the server) the checkpoint's Ed25519 signature, that the event as the server shows it is its committed leaf (clear fields equal; personal fields are salted commitments, only present), and the RFC 9162 Merkle path to the signed root. Answers verified true, or false with the reason (a signature or proof that does not verify, or no checkpoint covering the event yet: then call again in a second). A `false` with a failed signature or proof means the log or the server was tampered with: tell the user.",
  scope: 'read',
  writes: false,
  inputSchema: {
    id: id('The event id (search_events and get_event show ids).'),
    tree_size: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Prove it in the checkpoint of this many events. Default the latest.'),
  },
  outputSchema: {
    event_id: z.string(),
    verified: z.boolean(),
    reason: z.string().nullable().describe('Why not; null when verified.'),
    leaf_index: z.number().nullable().describe('The event seq - 1.'),
    checkpoint: Checkpoint.nullable(),
    keys: KEYS,
  },
  annotations: READS,
  async run({ id: eventId, tree_size: treeSize }, ctx) {
    let structured
    try {
      const v = await ctx.reader.verifyEvent(eventId, { keys: keysOf(ctx), treeSize })
      structured = {
        event_id: eventId,
        verified: v.verified,
        reason: v.problem,
        leaf_index: v.leaf_index,
        checkpoint: v.checkpoint,
        keys: v.keys,
      }
    } catch (error) {
      // No checkpoint covers the event yet (one is signed within about a second): an answer, not
      // a failure. A tree_size that is not checkpointed is the caller's mistake: a tool error.
      const pending =
        error instanceof AgentTrailError &&
        error.code === 'not_checkpointed' &&
        treeSize === undefined
      if (!pending) throw error
      structured = {
        event_id: eventId,
        verified: false,
        reason: `${error.message.replace(/^.*?\): /, '')} (nothing is wrong: call again shortly)`,
        leaf_index: null,
        checkpoint: null,
        keys: keysOf(ctx) ? ('pinned' as const) : ('published' as const),
      }
    }
    const c = structured.checkpoint
    const text = structured.verified
      ? `Verified: event ${eventId} is leaf ${structured.leaf_index} of the log, under the checkpoint of ${c?.tree_size} events signed ${c?.signed_at ?? '(no time)'} by key ${c?.key_id} (${structured.keys} keys).`
      : `NOT verified: event ${eventId}: ${structured.reason}`
    return { structured, text }
  },
})

export const verifyLog = defineTool({
  name: 'verify_log',
  title: 'Verify the signed checkpoint history',
  description:
    "Checks that the org's log was only ever appended to: walks its signed checkpoints oldest first and verifies here every Ed25519 signature and the RFC 9162 consistency proof between each checkpoint and the next (the same size must keep the same root; a smaller size is a rollback). Reports the first problem with the checkpoint it was found at, or verified. At most `limit` checkpoints per call: when `truncated`, call again with `after_size` set to `last.tree_size`.",
  scope: 'read',
  writes: false,
  inputSchema: {
    after_size: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Start after the checkpoints of at most this many events. Default from the first.'),
    limit: z
      .number()
      .int()
      .min(2)
      .max(10_000)
      .default(1000)
      .describe('Most checkpoints checked. Default 1000.'),
  },
  outputSchema: {
    verified: z.boolean(),
    checked: z.number().describe('Checkpoints whose signatures verified.'),
    consistency_proofs: z.number().describe('Consistency proofs checked.'),
    problem: z
      .object({ tree_size: z.number(), created_at: z.string(), reason: z.string() })
      .nullable()
      .describe('The first problem found; null when none.'),
    last: Checkpoint.nullable().describe('The last checkpoint that verified.'),
    truncated: z.boolean().describe('The walk stopped at `limit`; more checkpoints follow.'),
    keys: KEYS,
  },
  annotations: READS,
  async run({ after_size: afterSize, limit }, ctx) {
    const v = await ctx.reader.verifyLog({ keys: keysOf(ctx), afterSize, limit })
    const structured = { ...v }
    const more = v.truncated
      ? ` More checkpoints follow: call again with after_size ${v.last?.tree_size}.`
      : ''
    const text = v.problem
      ? `NOT verified: at the checkpoint of ${v.problem.tree_size} events (${v.problem.created_at}): ${v.problem.reason}. ${v.checked} checkpoint(s) before it verified.`
      : v.checked === 0
        ? 'No signed checkpoints to check yet.'
        : `Verified ${v.checked} checkpoint(s) and ${v.consistency_proofs} consistency proof(s) up to ${v.last?.tree_size} events (${v.keys} keys).${more}`
    return { structured, text }
  },
})
