import { generateKeyPairSync } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyConsistency } from '@agenttrail/protocol'
import {
  createLogger,
  loadConfig,
  logKeyPath,
  rotateLogKeyOffline,
  startServer,
} from '@agenttrail/server'
import type { Config, RunningServer } from '@agenttrail/server'
import { freshDatabase } from '../helpers/postgres.js'
import { logClient, openCheckpoint } from './log-client.js'

const KEY = 'at_integrity_log_keys_0123456789abcdef'
const dirs: string[] = []
const running: RunningServer[] = []
afterAll(async () => {
  for (const s of running) await s.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-log-keys-'))
  dirs.push(dir)
  return dir
}

function configOf(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    AGENTTRAIL_PORT: '0',
    AGENTTRAIL_HOST: '127.0.0.1',
    AGENTTRAIL_DATA_DIR: dataDir,
    AGENTTRAIL_LOG_LEVEL: 'silent',
    AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0',
    AGENTTRAIL_INIT_API_KEY: KEY,
    ...env,
  })
}

async function start(config: Config): Promise<RunningServer> {
  const server = await startServer(config, { logger: createLogger('silent'), announce: () => {} })
  running.push(server)
  return server
}

const event = (i: number) => ({ agent: 'rotator', action: `act-${i}`, output: `out ${i}` })

describe('the integrity log configuration', () => {
  it('reads the key file, origin, mirror and cadence, and refuses bad values naming the variable', () => {
    const config = loadConfig({ AGENTTRAIL_DATA_DIR: '/srv/trail' })
    expect(logKeyPath(config)).toBe('/srv/trail/log-keys/current.pem')
    expect(config).toMatchObject({
      logOrigin: undefined,
      logMirrorDir: undefined,
      checkpointIntervalMs: 1_000,
      heartbeatMs: 3_600_000,
    })
    const set = loadConfig({
      AGENTTRAIL_LOG_KEY_FILE: '/keys/log.pem',
      AGENTTRAIL_LOG_ORIGIN: 'audit.example.com',
      AGENTTRAIL_LOG_MIRROR_DIR: '/worm/checkpoints',
      AGENTTRAIL_LOG_HEARTBEAT_MS: '60000',
    })
    expect(logKeyPath(set)).toBe('/keys/log.pem')
    expect(set).toMatchObject({
      logOrigin: 'audit.example.com',
      logMirrorDir: '/worm/checkpoints',
      heartbeatMs: 60_000,
    })
    for (const origin of ['audit example', 'a+b', 'x'.repeat(201), 'caf\u00e9'])
      expect(() => loadConfig({ AGENTTRAIL_LOG_ORIGIN: origin })).toThrow(/AGENTTRAIL_LOG_ORIGIN/)
    expect(() => loadConfig({ AGENTTRAIL_LOG_HEARTBEAT_MS: '10' })).toThrow(
      /AGENTTRAIL_LOG_HEARTBEAT_MS must be a whole number/,
    )
    expect(() => loadConfig({ AGENTTRAIL_LOG_CHECKPOINT_MS: 'soon' })).toThrow(
      /AGENTTRAIL_LOG_CHECKPOINT_MS/,
    )
  })
})

describe('the log signing key file', () => {
  it('is created on first start, Ed25519 PKCS#8 PEM, mode 0600, outside the database', async () => {
    const dataDir = tempDir()
    const server = await start(configOf(dataDir))
    const path = join(dataDir, 'log-keys', 'current.pem')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    await server.close()
    // Started again, it signs with the same key.
    const again = await start(configOf(dataDir))
    expect(readFileSync(path, 'utf8')).toMatch(/PRIVATE KEY/)
    await again.close()
  })

  it('refuses to start with a key file it cannot use, saying why', async () => {
    const dir = tempDir()
    const ec = join(dir, 'ec.pem')
    writeFileSync(
      ec,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
        format: 'pem',
        type: 'pkcs8',
      }) as string,
    )
    const garbage = join(dir, 'garbage.pem')
    writeFileSync(garbage, 'not a key\n')
    const folder = join(dir, 'a-folder.pem')
    mkdirSync(folder)
    for (const [file, message] of [
      [ec, /holds a ec key; the log signing key must be Ed25519/],
      [garbage, /is not a PEM private key/],
      [folder, /cannot read the log signing key .*EISDIR/],
    ] as const) {
      const dataDir = tempDir()
      await expect(start(configOf(dataDir, { AGENTTRAIL_LOG_KEY_FILE: file }))).rejects.toThrow(
        message,
      )
      // The data folder is not left locked: a start with a good key works.
      const server = await start(configOf(dataDir))
      await server.close()
    }
  })

  it('refuses a key that is not the log current one', async () => {
    const dataDir = tempDir()
    await (await start(configOf(dataDir))).close()
    const other = join(tempDir(), 'other.pem')
    writeFileSync(
      other,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      { mode: 0o600 },
    )
    await expect(start(configOf(dataDir, { AGENTTRAIL_LOG_KEY_FILE: other }))).rejects.toThrow(
      /is not the log's current key/,
    )
    // A missing key file is not silently replaced once the log has a key.
    rmSync(join(dataDir, 'log-keys', 'current.pem'))
    await expect(start(configOf(dataDir))).rejects.toThrow(
      /does not exist, and the log already has a key/,
    )
  })
})

describe('rotating before any start', () => {
  it('makes the first key, which the server then signs with', async () => {
    const dataDir = tempDir()
    const config = configOf(dataDir)
    const first = await rotateLogKeyOffline(config)
    expect(first).toMatchObject({ from: null, retiredFile: null, orgs: 0 })
    const server = await start(config)
    const log = logClient(server.url, KEY)
    await log.ingest([event(1)])
    const opened = openCheckpoint(await log.checkpointOf(1), await log.keys())
    expect(opened.verified).toBe(true)
    const listed = (await log.get('/api/v1/log/keys')).body.keys
    expect(listed).toHaveLength(1)
    expect(listed[0].not_before).toBe(new Date(first.at).toISOString())
    await server.close()
  }, 60_000)
})

describe('servers sharing one PostgreSQL database', () => {
  it('sign with the current key only: a server without it serves, signs nothing and says so', async () => {
    const url = await freshDatabase()
    const signer = await start(configOf(tempDir(), { DATABASE_URL: url }))
    const lines: string[] = []
    const other = await startServer(configOf(tempDir(), { DATABASE_URL: url }), {
      logger: createLogger('error', (line) => lines.push(line)),
      announce: () => {},
    })
    running.push(other)
    expect(lines.join('')).toMatch(
      /"msg":"this server does not sign integrity checkpoints","reason":"the log signing key .* does not exist, and the log already has a key/,
    )
    // Events sent to the server without the key are signed by the one with it.
    const log = logClient(other.url, KEY)
    await log.ingest([event(1), event(2)])
    const note = await log.checkpointOf(2)
    expect(openCheckpoint(note, await log.keys()).verified).toBe(true)
    await other.close()
    await signer.close()
  }, 120_000)
})

describe.each(['sqlite', 'postgres'] as const)('rotating the log signing key (%s)', (dialect) => {
  it('keeps old checkpoints verifiable with the old key and records the rotation in every log', async () => {
    const dataDir = tempDir()
    const config = configOf(
      dataDir,
      dialect === 'postgres' ? { DATABASE_URL: await freshDatabase() } : {},
    )
    const keyFile = join(dataDir, 'log-keys', 'current.pem')

    const first = await start(config)
    let log = logClient(first.url, KEY)
    await log.ingest([event(1), event(2), event(3), event(4)])
    const before = await log.checkpointOf(4)
    const [oldKey] = await log.keys()
    if (dialect === 'sqlite')
      // The server holds the data folder: no rotation under it.
      await expect(rotateLogKeyOffline(config)).rejects.toThrow(
        /another AgentTrail server is using/,
      )
    await first.close()
    const oldPem = readFileSync(keyFile, 'utf8')

    const rotation = await rotateLogKeyOffline(config)
    expect(rotation.orgs).toBe(1)
    expect(readFileSync(rotation.retiredFile!, 'utf8')).toBe(oldPem)
    expect(rotation.retiredFile).toBe(
      join(dataDir, 'log-keys', `retired-${rotation.from!.slice(0, 16)}.pem`),
    )
    expect(readFileSync(keyFile, 'utf8')).not.toBe(oldPem)
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(existsSync(`${keyFile}.next`)).toBe(false)

    const second = await start(config)
    log = logClient(second.url, KEY)
    await log.ingest([event(5), event(6)])
    // 4 events, the rotation's audit event, 2 more.
    const after = await log.checkpointOf(7)
    const listed = (await log.get('/api/v1/log/keys')).body.keys
    expect(listed).toHaveLength(2)
    expect(listed[0].not_after).toBe(listed[1].not_before)
    expect(listed[0].not_after).toBe(new Date(rotation.at).toISOString())
    expect(listed[1].not_after).toBeNull()
    const [old, current] = await log.keys()
    expect(old!.keyId).toEqual(oldKey!.keyId)
    expect(openCheckpoint(before, [old!]).verified).toBe(true)
    expect(openCheckpoint(before, [current!]).verified).toBe(false)
    const opened = openCheckpoint(after, [current!])
    expect(opened.verified).toBe(true)
    expect(openCheckpoint(after, [old!]).verified).toBe(false)
    // The origin, which names the log, did not change; the tree still extends the old checkpoint.
    const older = openCheckpoint(before, [old!]).checkpoint
    expect(opened.checkpoint.origin).toBe(older.origin)
    const proof = await log.get(`/api/v1/log/proof/consistency?first=${older.size}&second=7`)
    expect(
      verifyConsistency(
        older.size,
        7,
        older.root,
        opened.checkpoint.root,
        proof.body.hashes.map((h: string) => Buffer.from(h, 'base64')),
      ),
    ).toBe(true)
    const audit = (await log.get('/api/v1/events?kind=audit')).body.events
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      seq: 5,
      action: 'log.key_rotation',
      user: 'system',
      metadata: {
        old_key_id: listed[0].key_id,
        new_key_id: listed[1].key_id,
        old_fingerprint: rotation.from,
        new_fingerprint: rotation.to,
      },
    })
    await second.close()
  }, 120_000)
})
