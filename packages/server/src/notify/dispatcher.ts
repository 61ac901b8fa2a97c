import type { Logger } from '../log.js'
import { errorFields } from '../log.js'
import type { AttemptOutcome, ClaimedDelivery, NotifyStore } from '../store/notify-store.js'
import type { OutboundResult } from './outbound-types.js'
import { DEFAULT_RETRY_DELAYS_MS, nextAttemptAt } from './retry-schedule.js'
import { singleFlight } from './single-flight.js'

/** What one attempt sent and what came of it. */
export interface Delivered {
  /**
   * The exact body sent (kept from the first attempt, so every retry sends the same bytes); null
   * when nothing was sent (the attempt could not be made).
   */
  body: string | null
  result: OutboundResult
}

export interface DispatcherOptions {
  store: Pick<NotifyStore, 'fanOut' | 'claimDeliveries' | 'settleDelivery'>
  /** Makes one attempt (deliver.ts: a webhook, a channel's message, a rollback call). */
  deliver: (delivery: ClaimedDelivery) => Promise<Delivered>
  logger: Logger
  /** How often it looks for due retries without a wake-up. Default 1,000 ms. */
  pollMs?: number
  /** Deliveries taken per claim. Default 50. */
  batch?: number
  /** Attempts in flight at once. Default 16. */
  concurrency?: number
  /**
   * How long a taken delivery is held before another dispatcher may take it again: longer than
   * an attempt can last. Default 60,000 ms.
   */
  leaseMs?: number
  /** Waits between attempts (retry-schedule.ts). Default eight attempts over about 27 hours. */
  retryDelaysMs?: readonly number[]
  /** Deliveries failed in a row that disable a subscription. Default 10 (as AgentLedger documents). */
  maxFailures?: number
  /**
   * Least time between the starts of two passes that wake-ups ask for, so that a stream of commits
   * costs the store at most one look at the outbox per gap. Default 20 ms.
   */
  minGapMs?: number
  now?: () => number
}

export interface Dispatcher {
  /** Something was committed that may need telling: a pass starts soon (calls coalesce). */
  wake(): void
  /** Runs passes until nothing is due now (tests, shutdown). */
  drain(): Promise<void>
  /** Stops taking work and waits for the attempts in flight to be settled. Idempotent. */
  stop(): Promise<void>
}

/**
 * The publish stage's worker: turns outbox rows into deliveries (`fanOut`), takes the due ones
 * (`claimDeliveries`: exclusive, under a lease), makes each attempt, and records what came of it
 * with the next attempt's time (`settleDelivery`). Every server runs one; on PostgreSQL they share
 * the work through the store's row locks, and a delivery whose server died is taken again when
 * its lease lapses: each delivery is made at least once, under a stable id.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const opts = {
    pollMs: 1_000,
    batch: 50,
    concurrency: 16,
    leaseMs: 60_000,
    retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
    maxFailures: 10,
    minGapMs: 20,
    now: Date.now,
    ...options,
  }
  const { store, logger } = opts
  let stopped = false

  const outcomeOf = (d: ClaimedDelivery, delivered: Delivered, startedAt: number) => {
    const { result } = delivered
    const end = opts.now()
    const gone = result.status === 410
    const last = result.ok || gone || result.permanent === true
    const retryAt = last
      ? null
      : nextAttemptAt(d.attempt, end, opts.retryDelaysMs, result.retryAfterMs)
    const outcome: AttemptOutcome = {
      ok: result.ok,
      status: result.status,
      durationMs: result.durationMs,
      error: result.ok
        ? null
        : (result.error ?? `status: the receiver answered ${result.status ?? 'nothing'}`),
      responseBody: result.responseBody,
      startedAt,
      body: delivered.body,
      retryAt,
      ...(gone && { disable: 'gone' as const }),
    }
    return outcome
  }

  const attempt = async (d: ClaimedDelivery) => {
    const startedAt = opts.now()
    let delivered: Delivered
    try {
      delivered = await opts.deliver(d)
    } catch (error) {
      // A sender that could not even try (a secret that no longer opens): retried like a failure.
      logger.error('a delivery could not be attempted', {
        delivery_id: d.id,
        subscription_id: d.subscription_id,
        ...errorFields(error),
      })
      delivered = {
        body: null,
        result: {
          ok: false,
          status: null,
          durationMs: opts.now() - startedAt,
          error: `sender: ${error instanceof Error ? error.message : String(error)}`,
          responseBody: '',
        },
      }
    }
    const outcome = outcomeOf(d, delivered, startedAt)
    return { d, outcome }
  }

  /** Records an attempt's outcome (the store batches the records of attempts made together). */
  const settle = async ({ d, outcome }: { d: ClaimedDelivery; outcome: AttemptOutcome }) => {
    const settled = await store.settleDelivery(d.orgId, d.id, d.attempt, outcome, opts.maxFailures)
    if (settled && !outcome.ok && outcome.retryAt === null)
      logger.warn('a delivery failed for good', {
        delivery_id: d.id,
        subscription_id: d.subscription_id,
        kind: d.subscription.kind,
        topic: d.topic,
        attempts: d.attempt,
        error: outcome.error,
      })
    if (outcome.disable)
      logger.warn('a subscription was disabled: its receiver answered 410 Gone', {
        subscription_id: d.subscription_id,
        kind: d.subscription.kind,
      })
  }

  /** Fans out what was committed, then has the deliveries it made attempted. */
  const fanning = singleFlight(
    async () => {
      let rows = 0
      // Bounded: a long backlog is taken in turns, between which wake-ups are heard.
      for (let i = 0, n = 1; i < 20 && n > 0 && !stopped; i++)
        rows += n = await store.fanOut(opts.now(), 500)
      if (rows > 0) delivering.wake()
    },
    {
      pollMs: opts.pollMs,
      minGapMs: opts.minGapMs,
      onError: (error) => logger.error('the delivery fan-out failed', errorFields(error)),
    },
  )
  /** Takes and attempts due deliveries until a claim comes back short. */
  const delivering = singleFlight(
    async () => {
      for (;;) {
        if (stopped) return
        const claimed = await store.claimDeliveries(opts.now(), opts.batch, opts.leaseMs)
        const queue = [...claimed]
        // A worker goes on to its next attempt while the last one's outcome is being recorded;
        // all are recorded before the next claim.
        const recorded: Array<Promise<void>> = []
        const workers = Array.from(
          { length: Math.min(opts.concurrency, queue.length) },
          async () => {
            for (let d = queue.shift(); d; d = queue.shift())
              recorded.push(settle(await attempt(d)))
          },
        )
        await Promise.all(workers)
        await Promise.all(recorded)
        if (claimed.length < opts.batch) return
      }
    },
    {
      pollMs: opts.pollMs,
      minGapMs: opts.minGapMs,
      onError: (error) => logger.error('the delivery dispatcher failed a pass', errorFields(error)),
    },
  )

  return {
    // Fan-out and deliveries run side by side: a slow receiver never holds up the fan-out of
    // what commits meanwhile, nor the deliveries to others in the next claim.
    wake: () => fanning.wake(),
    async drain() {
      await fanning.drain()
      await delivering.drain()
    },
    async stop() {
      stopped = true
      await Promise.all([fanning.stop(), delivering.stop()])
    },
  }
}
