import pg from 'pg'

/** First key of every AgentTrail advisory lock (`'AGTR'`), so they never meet another application's. */
const LOCK_SPACE = 0x41475452

/** A job name as the second key: 32-bit FNV-1a, stable across processes and versions. */
export function jobLockKey(job: string): number {
  let hash = 0x811c9dc5
  for (const byte of Buffer.from(job, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193)
  return hash | 0
}

/**
 * Leader election for background jobs among the server processes of one database: the leader of a
 * job holds the session advisory lock `(LOCK_SPACE, jobLockKey(job))` on a connection of its own,
 * outside the pool (a pooled connection goes back to other work and would carry the lock with it).
 * PostgreSQL releases the lock when that session ends, so when the leader stops, crashes or loses
 * its connection, the next process that asks becomes the leader. One connection serves every job.
 */
export function createPostgresLeadership(url: string) {
  let session: Promise<pg.Client> | undefined
  const held = new Set<string>()
  let closed = false

  const connect = (): Promise<pg.Client> => {
    if (session) return session
    const client = new pg.Client({ connectionString: url, application_name: 'agenttrail-jobs' })
    const opened = client.connect().then(() => client)
    const lost = () => {
      // The locks went with the session; the next ask opens a new one.
      held.clear()
      if (session === opened) session = undefined
    }
    client.on('error', lost)
    client.on('end', lost)
    opened.catch(lost)
    session = opened
    return opened
  }

  return {
    async tryLead(job: string): Promise<boolean> {
      if (closed) return false
      const client = await connect()
      if (held.has(job)) {
        // Still leading only while the session lives: a query on it proves that.
        try {
          await client.query('SELECT 1')
          return true
        } catch {
          held.clear()
          session = undefined
          await client.end().catch(() => undefined)
          return false
        }
      }
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, $2) AS locked',
        [LOCK_SPACE, jobLockKey(job)],
      )
      if (rows[0]?.locked) held.add(job)
      return held.has(job)
    },

    /** Ends the session, which releases every lock it holds. */
    async close(): Promise<void> {
      closed = true
      const current = session
      session = undefined
      held.clear()
      if (current) await current.then((client) => client.end()).catch(() => undefined)
    },
  }
}
