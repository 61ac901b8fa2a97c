/**
 * Tells this process that an org committed events: the wake-up of live streams. A signal carries
 * no rows, only the org and a seq the org has committed up to at least; a reader re-reads the
 * store after its own last seq (`EventStore.since`), so a signal may be late, repeated or merged
 * with another without losing anything.
 */
export interface CommitFeed {
  /**
   * Calls `listener(seq)` after commits that appended events of `orgId` (in this process, or, on
   * PostgreSQL, in any server on the database). Returns the unsubscribe function.
   */
  subscribe(orgId: string, listener: (seq: number) => void): () => void
  /** The same for commits of every org (the delivery dispatcher's wake-up). */
  subscribeAll(listener: (orgId: string, seq: number) => void): () => void
}

/** A feed and the function that signals it, for a store that learns of commits itself. */
export interface LocalCommitFeed {
  feed: CommitFeed
  /** Signals every listener of `orgId`; a listener that throws does not stop the others. */
  emit(orgId: string, seq: number): void
  /** The orgs that have listeners now. */
  orgs(): string[]
}

/** An in-process feed: listeners by org, called synchronously by `emit`. */
export function createLocalCommitFeed(
  onListenerError: (error: unknown) => void = () => {},
): LocalCommitFeed {
  const listeners = new Map<string, Set<(seq: number) => void>>()
  const everyOrg = new Set<(orgId: string, seq: number) => void>()
  const call = (fn: () => void) => {
    try {
      fn()
    } catch (error) {
      onListenerError(error)
    }
  }
  return {
    feed: {
      subscribe(orgId, listener) {
        let set = listeners.get(orgId)
        if (!set) listeners.set(orgId, (set = new Set()))
        set.add(listener)
        return () => {
          set.delete(listener)
          if (set.size === 0 && listeners.get(orgId) === set) listeners.delete(orgId)
        }
      },
      subscribeAll(listener) {
        everyOrg.add(listener)
        return () => everyOrg.delete(listener)
      },
    },
    emit(orgId, seq) {
      for (const listener of [...(listeners.get(orgId) ?? [])]) call(() => listener(seq))
      for (const listener of [...everyOrg]) call(() => listener(orgId, seq))
    },
    orgs: () => [...listeners.keys()],
  }
}
