/** A client that can send what it holds before the process exits. */
export interface ExitFlushable {
  flushBeforeExit(): Promise<void>
}

interface ProcessLike {
  on(event: 'beforeExit', listener: () => void): unknown
}

// Weak: a client the application dropped must not be kept alive by this list (one per request or
// tenant would otherwise pile up); once collected, it has nothing left to send.
const clients = new Set<WeakRef<ExitFlushable>>()
const refs = new WeakMap<ExitFlushable, WeakRef<ExitFlushable>>()
const forget = new FinalizationRegistry<WeakRef<ExitFlushable>>((ref) => clients.delete(ref))
let installed = false

/**
 * Flushes every registered client on `beforeExit`: Node emits it when the event loop has nothing
 * left to do, which is when a script ends normally. The SDK's timers are unref'd, so pending events
 * never keep a process alive by themselves; this is where they get sent. The client's flush holds
 * the loop open for at most its `shutdownTimeoutMs`.
 *
 * Not covered, by Node's design: `process.exit()`, an uncaught exception, and signals (SIGINT,
 * SIGTERM) skip `beforeExit`, and `exit` listeners may only run synchronous code, so no request can
 * be sent from them. Call `await trail.shutdown()` before exiting in those paths. One listener is
 * installed for all clients, so many clients do not trip the max-listeners warning.
 */
export function flushOnExit(client: ExitFlushable): void {
  if (!refs.has(client)) {
    const ref = new WeakRef(client)
    refs.set(client, ref)
    clients.add(ref)
    forget.register(client, ref)
  }
  if (installed) return
  const proc = (globalThis as { process?: Partial<ProcessLike> }).process
  if (typeof proc?.on !== 'function') return
  installed = true
  proc.on('beforeExit', () => {
    for (const ref of clients) void ref.deref()?.flushBeforeExit()
  })
}

export function stopFlushOnExit(client: ExitFlushable): void {
  const ref = refs.get(client)
  if (ref) clients.delete(ref)
  refs.delete(client)
}
