/** A piece of work run again and again, never twice at once: see `singleFlight`. */
export interface Loop {
  /** Asks for a run soon: at once, or right after the one in progress; calls coalesce. */
  wake(): void
  /** Runs until a run ends with no wake-up asked during it. */
  drain(): Promise<void>
  /** No more runs; waits for the one in progress. Idempotent. */
  stop(): Promise<void>
}

export interface SingleFlightOptions {
  /** Runs without a wake-up this often, ms. */
  pollMs: number
  /** Least time between the starts of two runs that wake-ups ask for, ms. */
  minGapMs: number
  /** A run that threw: logged, and the loop goes on. */
  onError: (error: unknown) => void
}

/**
 * Runs `work` when woken (at most one run at a time; wake-ups during a run ask for one more, no
 * sooner than `minGapMs` after its start) and every `pollMs` without one.
 */
export function singleFlight(work: () => Promise<void>, options: SingleFlightOptions): Loop {
  let stopped = false
  let running: Promise<void> | undefined
  let again = false
  let lastStart = 0
  let timer: NodeJS.Timeout | undefined
  let soon: NodeJS.Timeout | undefined

  const schedule = () => {
    if (stopped) return
    clearTimeout(timer)
    timer = setTimeout(() => void run(), options.pollMs)
    timer.unref()
  }
  const run = (): Promise<void> =>
    (running ??= (async () => {
      try {
        do {
          again = false
          lastStart = performance.now()
          await work()
          const wait = lastStart + options.minGapMs - performance.now()
          if (again && wait > 0) await new Promise((r) => setTimeout(r, wait))
        } while (again && !stopped)
      } catch (error) {
        options.onError(error)
      } finally {
        running = undefined
        schedule()
      }
    })())

  schedule()
  return {
    wake() {
      if (stopped || soon) return
      if (running) {
        again = true
        return
      }
      const wait = lastStart + options.minGapMs - performance.now()
      if (wait <= 0) void run()
      else
        soon = setTimeout(() => {
          soon = undefined
          void run()
        }, wait)
    },
    async drain() {
      do {
        await running
        if (!stopped) await run()
      } while (again && !stopped)
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      clearTimeout(soon)
      await running
    },
  }
}
