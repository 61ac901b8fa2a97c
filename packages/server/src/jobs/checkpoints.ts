import { checkpointBody, consistencyProof, signNote, verifyConsistency } from '@agenttrail/protocol'
import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { LogSigner } from '../log/log-signer.js'
import type { LogCheckpoint, NewLogCheckpoint } from '../store/log-checkpoint-store.js'
import type { Store } from '../store/store.js'
import { mirrorCheckpoint } from './checkpoint-mirror.js'

/** The job name the checkpoint signer leads under (`store.tryLead`): one server of many signs. */
export const CHECKPOINTS_JOB = 'checkpoints'

export interface CheckpointPassOptions {
  store: Pick<Store, 'checkpoints' | 'log' | 'tryLead'>
  signer: LogSigner
  /** The longest time between two checkpoints of a log (the heartbeat), in ms. */
  heartbeatMs: number
  /** `AGENTTRAIL_LOG_MIRROR_DIR`: every checkpoint is also written there (checkpoint-mirror.ts). */
  mirrorDir?: string
  logger: Logger
  /** The clock. Default `Date.now`. */
  now?: () => number
  /**
   * The last refusal reported per org: a refusal is logged when it first happens or changes, not
   * on every pass. Default: a new map (every refusal of this pass is logged).
   */
  refused?: Map<string, string>
}

/** The `refused` entry that records a retired signing key (no org id is empty). */
const RETIRED_KEY = ''

/** A log whose head does not extend its last checkpoint: nothing was signed for it. */
export class LogConsistencyError extends Error {
  override name = 'LogConsistencyError'
  constructor(
    readonly orgId: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * One pass: for every org whose log grew past its newest checkpoint, or whose newest checkpoint is
 * a heartbeat old, signs a checkpoint of the log as it is now (kind `growth`, or `heartbeat` when
 * only time passed). Before signing it checks that the tree the stored leaves and nodes make has
 * the head's root and is consistent with the newest checkpoint (an RFC 6962 consistency proof
 * from the stored tree, verified): a log never signs a head that does not extend what it signed
 * before. A refusal is logged as an error and leaves that org unsigned; the other orgs go on.
 */
export async function runCheckpointPass(options: CheckpointPassOptions): Promise<LogCheckpoint[]> {
  if (!(await options.store.tryLead(CHECKPOINTS_JOB))) return []
  const now = (options.now ?? Date.now)()
  const prepared: Array<{ checkpoint: NewLogCheckpoint; afterN: number }> = []
  const refused = options.refused ?? new Map<string, string>()
  const due = await options.store.checkpoints.due(now - options.heartbeatMs)
  if (due.length === 0) return []
  // A key rotated under a running server (every server should have been stopped) is retired: it
  // must sign nothing more. Reported once.
  const current = await options.store.checkpoints.currentKey()
  if (current.fingerprint !== options.signer.key.fingerprint) {
    if (!refused.has(RETIRED_KEY))
      options.logger.error("log checkpoints stopped: this server's signing key was retired", {
        reason: 'the log has another current key; restart this server with the new key file',
      })
    refused.set(RETIRED_KEY, current.fingerprint)
    return []
  }
  for (const orgId of due) {
    try {
      const next = await prepareCheckpoint(options, orgId, now)
      if (next) prepared.push(next)
      refused.delete(orgId)
    } catch (error) {
      if (!(error instanceof LogConsistencyError)) throw error
      if (refused.get(orgId) === error.message) continue
      refused.set(orgId, error.message)
      options.logger.error('log checkpoint refused: the log does not extend its last checkpoint', {
        org_id: orgId,
        reason: error.message,
      })
    }
  }
  if (prepared.length === 0) return []
  // One transaction (one fsync) for the pass. False: another signer (a former leader) came first
  // for that org; the next pass looks again.
  const written = await options.store.checkpoints.append(prepared)
  const signed = prepared
    .filter((_, i) => written[i])
    .map(({ checkpoint, afterN }) => ({ ...checkpoint, n: afterN + 1 }))
  if (options.mirrorDir)
    for (const checkpoint of signed)
      await mirrorCheckpoint(options.mirrorDir, checkpoint).catch((error: unknown) =>
        options.logger.error('checkpoint mirror write failed', {
          org_id: checkpoint.orgId,
          ...errorFields(error),
        }),
      )
  return signed
}

/** The org's next checkpoint, signed, when one is due and the log extends the last one. */
async function prepareCheckpoint(
  options: CheckpointPassOptions,
  orgId: string,
  now: number,
): Promise<{ checkpoint: NewLogCheckpoint; afterN: number } | undefined> {
  const { store } = options
  const latest = await store.checkpoints.latest(orgId)
  const head = await store.log.head(orgId)
  const mth = (lo: number, hi: number) => store.log.rangeHash(orgId, lo, hi)
  if (head.size > 0 && !(await mth(0, head.size)).equals(head.root))
    throw new LogConsistencyError(
      orgId,
      `the head's root at size ${head.size} is not the root of the stored leaves and nodes`,
    )
  // Signed to the second (the cosignature's time), so one org's checkpoints are one a second at most.
  const seconds = Math.floor(now / 1000)
  if (latest) {
    if (head.size < latest.size)
      throw new LogConsistencyError(
        orgId,
        `the log has ${head.size} leaves, fewer than the ${latest.size} of its last checkpoint`,
      )
    if (head.size === latest.size && now - latest.createdAt < options.heartbeatMs) return undefined
    if (seconds * 1000 <= latest.createdAt) return undefined
    const proof = await consistencyProof(latest.size, head.size, mth)
    if (!verifyConsistency(latest.size, head.size, latest.root, head.root, proof))
      throw new LogConsistencyError(
        orgId,
        `the tree of size ${head.size} is not consistent with the last checkpoint (size ${latest.size})`,
      )
  }
  const signer = options.signer.signer(orgId)
  const checkpoint: NewLogCheckpoint = {
    orgId,
    size: head.size,
    root: head.root,
    note: signNote(checkpointBody(signer.name, head.size, head.root), signer, seconds),
    createdAt: seconds * 1000,
    kind: latest && latest.size === head.size ? ('heartbeat' as const) : ('growth' as const),
    keyFingerprint: options.signer.key.fingerprint,
  }
  return { checkpoint, afterN: latest?.n ?? 0 }
}

export interface CheckpointJobOptions extends CheckpointPassOptions {
  /** Time between passes. Default 1,000 ms. */
  intervalMs?: number
}

/** Runs a checkpoint pass every `intervalMs`, one at a time; `stop()` waits for a running pass. */
export function startCheckpoints(options: CheckpointJobOptions) {
  options = { refused: new Map(), ...options }
  let running: Promise<void> | undefined
  const run = () => {
    running ??= runCheckpointPass(options)
      .then(() => undefined)
      .catch((error: unknown) => options.logger.error('checkpoint pass failed', errorFields(error)))
      .finally(() => (running = undefined))
  }
  const timer = setInterval(run, options.intervalMs ?? 1_000)
  timer.unref()
  run()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
