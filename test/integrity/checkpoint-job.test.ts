import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { enforcement, openPostgresStore, openSqliteStore } from '@agenttrail/server'
import type { Store } from '@agenttrail/server'
import { runCheckpointPass } from '../../packages/server/src/jobs/checkpoints.js'
import { openLogSigner } from '../../packages/server/src/log/log-signer.js'
import { generateLogKey } from '../../packages/server/src/log/log-key-file.js'
import type { LogFields, Logger } from '../../packages/server/src/log.js'
import { newEvent } from '../helpers/events.js'
import { freshDatabase } from '../helpers/postgres.js'
import { openCheckpoint } from './log-client.js'
import { parseVerifierKey, verifierKey } from '@agenttrail/protocol'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-checkpoints-'))
  dirs.push(dir)
  return dir
}

/** A logger that keeps what it is told. */
function recordingLogger() {
  const lines: Array<{ level: string; msg: string; fields?: LogFields }> = []
  const at = (level: string) => (msg: string, fields?: LogFields) =>
    lines.push({ level, msg, fields })
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  }
  return { logger, lines }
}

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0)

async function append(store: Store, orgId: string, n: number) {
  await store.events.append(
    Array.from({ length: n }, (_, i) => ({
      orgId,
      event: newEvent({ action: `a${i}`, input: 'x' }),
    })),
  )
}

describe.each(['sqlite', 'postgres'] as const)('the checkpoint job (%s)', (dialect) => {
  const open = async (): Promise<{ store: Store; dbPath?: string }> => {
    if (dialect === 'postgres')
      return {
        store: await openPostgresStore({ url: await freshDatabase(), enforce: enforcement }),
      }
    const dbPath = join(tempDir(), 'agenttrail.db')
    return {
      store: openSqliteStore({ path: dbPath, writer: 'inline', enforce: enforcement }),
      dbPath,
    }
  }

  it('signs growth at once, nothing while unchanged, and a heartbeat an hour later', async () => {
    const { store } = await open()
    const dir = tempDir()
    const signer = await openLogSigner(store, {
      keyFile: join(dir, 'current.pem'),
      origin: 'audit.example.com',
    })
    const { logger } = recordingLogger()
    let now = T0
    const pass = () =>
      runCheckpointPass({
        store,
        signer,
        heartbeatMs: HOUR,
        logger,
        now: () => now,
        mirrorDir: join(dir, 'mirror'),
      })
    await append(store, 'acme', 5)
    await append(store, 'globex', 2)
    const first = await pass()
    expect(first.map((c) => [c.orgId, c.size, c.kind])).toEqual([
      ['acme', 5, 'growth'],
      ['globex', 2, 'growth'],
    ])
    now += 1_000
    expect(await pass()).toEqual([])
    await append(store, 'acme', 3)
    now += 1_000
    expect((await pass()).map((c) => [c.orgId, c.size, c.kind])).toEqual([['acme', 8, 'growth']])
    now += HOUR - 1_000
    // globex's checkpoint is now an hour old; acme's only just under.
    const heartbeat = await pass()
    expect(heartbeat.map((c) => [c.orgId, c.size, c.kind])).toEqual([['globex', 2, 'heartbeat']])
    const previous = first[1]!
    expect(heartbeat[0]!.root).toEqual(previous.root)
    const key = parseVerifierKey(verifierKey(signer.origin('globex'), signer.key.publicKey))
    const opened = openCheckpoint(heartbeat[0]!.note, [key])
    expect(opened.verified).toBe(true)
    expect(opened.time).toBe(now / 1000)
    expect(opened.checkpoint.origin).toBe('audit.example.com/t/globex')
    expect(openCheckpoint(previous.note, [key]).time).toBe(T0 / 1000)
    // Every note is mirrored as a new, read-only file named by size and time.
    const mirror = join(dir, 'mirror', 'globex')
    expect(readdirSync(mirror).sort()).toEqual([`2-${T0 / 1000}.note`, `2-${now / 1000}.note`])
    expect(readFileSync(join(mirror, `2-${now / 1000}.note`), 'utf8')).toBe(heartbeat[0]!.note)
    expect(statSync(join(mirror, `2-${now / 1000}.note`)).mode & 0o222).toBe(0)
    const list = await store.checkpoints.list('globex', { afterN: 0, limit: 10 })
    expect(list.map((c) => [c.n, c.size, c.kind, c.createdAt])).toEqual([
      [1, 2, 'growth', T0],
      [2, 2, 'heartbeat', now],
    ])
    await store.close()
  })

  it('refuses to sign a checkpoint smaller than one it signed', async () => {
    const { store } = await open()
    const signer = await openLogSigner(store, {
      keyFile: join(tempDir(), 'k.pem'),
      origin: undefined,
    })
    await append(store, 'acme', 4)
    const { logger, lines } = recordingLogger()
    await runCheckpointPass({ store, signer, heartbeatMs: HOUR, logger, now: () => T0 })
    // A checkpoint of fewer leaves than the last one is refused by the store as well.
    const latest = (await store.checkpoints.latest('acme'))!
    await expect(
      store.checkpoints.append([
        { checkpoint: { ...latest, size: 2, createdAt: T0 + 5_000 }, afterN: latest.n },
      ]),
    ).rejects.toThrow()
    // A second writer that raced for one org is refused; the other org of the batch is written.
    await append(store, 'globex', 1)
    const other = { ...latest, orgId: 'globex', size: 1, createdAt: T0 + 5_000 }
    expect(
      await store.checkpoints.append([
        { checkpoint: { ...latest, createdAt: T0 + 5_000 }, afterN: latest.n - 1 },
        { checkpoint: other, afterN: 0 },
      ]),
    ).toEqual([false, true])
    expect((await store.checkpoints.list('acme', { afterN: 0, limit: 10 })).length).toBe(1)
    expect((await store.checkpoints.latest('globex'))?.n).toBe(1)
    expect(lines.filter((l) => l.level === 'error')).toEqual([])
    await store.close()
  })
  it('stops signing once its key is retired under it, and says so once', async () => {
    const { store } = await open()
    const signer = await openLogSigner(store, {
      keyFile: join(tempDir(), 'k.pem'),
      origin: undefined,
    })
    await append(store, 'acme', 2)
    const { logger, lines } = recordingLogger()
    const refused = new Map<string, string>()
    const pass = (now: number) =>
      runCheckpointPass({ store, signer, heartbeatMs: HOUR, logger, now: () => now, refused })
    expect(await pass(T0)).toHaveLength(1)
    const next = generateLogKey()
    expect(await store.checkpoints.rotateKey(signer.key.fingerprint, next, T0 + 1_000)).toBe(true)
    await append(store, 'acme', 1)
    expect(await pass(T0 + 2_000)).toEqual([])
    expect(await pass(T0 + 3_000)).toEqual([])
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      "log checkpoints stopped: this server's signing key was retired",
    ])
    expect((await store.checkpoints.latest('acme'))?.size).toBe(2)
    await store.close()
  })
})

describe('the checkpoint job on a tampered log (sqlite)', () => {
  it('refuses loudly to sign a head that does not extend its last checkpoint, once per problem', async () => {
    const dbPath = join(tempDir(), 'agenttrail.db')
    const store = openSqliteStore({ path: dbPath, writer: 'inline', enforce: enforcement })
    const signer = await openLogSigner(store, {
      keyFile: join(tempDir(), 'k.pem'),
      origin: undefined,
    })
    await append(store, 'acme', 6)
    const { logger, lines } = recordingLogger()
    let now = T0
    const pass = () =>
      runCheckpointPass({ store, signer, heartbeatMs: HOUR, logger, now: () => now })
    expect(await pass()).toHaveLength(1)
    // Someone with the database rolls the head back to 3 leaves.
    const db = new Database(dbPath)
    db.prepare("UPDATE orgs SET log_size = 3 WHERE id = 'acme'").run()
    now += HOUR
    const refused = new Map<string, string>()
    expect(
      await runCheckpointPass({
        store,
        signer,
        heartbeatMs: HOUR,
        logger,
        now: () => now,
        refused,
      }),
    ).toEqual([])
    expect(
      await runCheckpointPass({
        store,
        signer,
        heartbeatMs: HOUR,
        logger,
        now: () => now + 1_000,
        refused,
      }),
    ).toEqual([])
    const errors = lines.filter((l) => l.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.msg).toMatch(/refused/)
    expect(errors[0]!.fields).toMatchObject({ org_id: 'acme' })
    expect(
      (await store.checkpoints.list('acme', { afterN: 0, limit: 10 })).map((c) => c.size),
    ).toEqual([6])
    db.close()
    await store.close()
  })

  it('refuses a head whose root is not the root of the stored leaves', async () => {
    const dbPath = join(tempDir(), 'agenttrail.db')
    const store = openSqliteStore({ path: dbPath, writer: 'inline', enforce: enforcement })
    const signer = await openLogSigner(store, {
      keyFile: join(tempDir(), 'k.pem'),
      origin: undefined,
    })
    await append(store, 'acme', 5)
    const { logger, lines } = recordingLogger()
    expect(
      await runCheckpointPass({ store, signer, heartbeatMs: HOUR, logger, now: () => T0 }),
    ).toHaveLength(1)
    // A leaf rewritten behind the append-only trigger's back.
    const db = new Database(dbPath)
    db.exec('DROP TRIGGER log_leaves_no_update')
    db.prepare("UPDATE log_leaves SET hash = zeroblob(32) WHERE org_id = 'acme' AND seq = 2").run()
    db.close()
    await append(store, 'acme', 1)
    expect(
      await runCheckpointPass({ store, signer, heartbeatMs: HOUR, logger, now: () => T0 + 2_000 }),
    ).toEqual([])
    expect(lines.filter((l) => l.level === 'error').map((l) => l.fields?.reason)).toEqual([
      expect.stringMatching(/not the root of the stored leaves/),
    ])
    await store.close()
  })
})
