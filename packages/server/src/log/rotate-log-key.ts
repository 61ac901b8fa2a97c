import { copyFileSync, constants, existsSync, renameSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { keyId } from '@agenttrail/protocol'
import { recordAudit } from '../ingest/record-audit.js'
import type { Store } from '../store/store.js'
import { generateLogKey, LogKeyError, loadLogKey, writeKeyFile } from './log-key-file.js'
import type { LogKey } from './log-key-file.js'
import { logOrigin, originPrefix } from './log-identity.js'
import { nextKeyPath } from './log-signer.js'

export interface LogKeyRotation {
  /** Fingerprints (hex SHA-256 of the raw public keys); `from` null when the log had no key. */
  from: string | null
  to: string
  /** Unix ms: the old key's `not_after` and the new key's `not_before`. */
  at: number
  /** Where the retired key's PEM is kept; null when the log had no key. */
  retiredFile: string | null
  /** The orgs whose log got a `log.key_rotation` audit event. */
  orgs: number
}

/** Where a retired key is kept: `retired-<first 16 hex digits of its fingerprint>.pem` beside the key file. */
export function retiredKeyPath(keyFile: string, fingerprint: string): string {
  return join(dirname(keyFile), `retired-${fingerprint.slice(0, 16)}.pem`)
}

/**
 * Rotates the log signing key, with every server of the store stopped (`agenttrail log
 * rotate-key`): the current key must be the one in `keyFile`. In order, so that a crash at any
 * step leaves a state the next run or the next start completes:
 * 1. the new key is written to `<keyFile>.next` (0600; an earlier run's is reused),
 * 2. the current key is copied to `retired-<id>.pem` beside it (never overwritten),
 * 3. the database retires the old key (`not_after`) and makes the new one current (`not_before`),
 *    at the same instant, in one transaction,
 * 4. `<keyFile>.next` replaces `keyFile` (a start finds an unfinished rename and finishes it),
 * 5. every org with a log gets an audit event `log.key_rotation` naming the old and new key ids
 *    (under that log's name) and fingerprints, appended to its log and so covered by the next
 *    checkpoint, the first one signed with the new key.
 * Old checkpoints stay verifiable with the retired key, which `/log/keys` keeps listing. A log
 * that has no key yet (no server has started on the store) gets its first one, as a first start
 * would make it, and nothing is retired.
 */
export async function rotateLogKey(
  store: Pick<Store, 'checkpoints' | 'log' | 'events'>,
  options: { keyFile: string; origin: string | undefined; now?: number },
): Promise<LogKeyRotation> {
  const at = options.now ?? Date.now()
  if ((await store.checkpoints.keys()).length === 0) {
    const first = loadLogKey(options.keyFile, { create: true })
    const current = await store.checkpoints.adoptKey(first, at)
    return { from: null, to: current.fingerprint, at, retiredFile: null, orgs: 0 }
  }
  const old = loadLogKey(options.keyFile, { create: false })
  const current = await store.checkpoints.currentKey()
  if (current.fingerprint !== old.fingerprint)
    throw new LogKeyError(
      `the key in ${options.keyFile} is not the log's current key; start the server once (it finishes an interrupted rotation) or restore the current key file`,
    )
  const next = nextKeyPath(options.keyFile)
  let key: LogKey
  if (existsSync(next)) key = loadLogKey(next, { create: false })
  else {
    key = generateLogKey()
    writeKeyFile(next, key)
  }
  const retiredFile = retiredKeyPath(options.keyFile, old.fingerprint)
  if (!existsSync(retiredFile)) copyFileSync(options.keyFile, retiredFile, constants.COPYFILE_EXCL)
  if (!(await store.checkpoints.rotateKey(old.fingerprint, key, at)))
    throw new LogKeyError('another rotation changed the current key meanwhile; nothing was changed')
  renameSync(next, options.keyFile)

  const keys = await store.checkpoints.keys()
  const prefix = originPrefix(options.origin, keys)
  const orgs = await store.log.grownSince(0)
  for (const { orgId } of orgs) {
    const origin = logOrigin(prefix, orgId)
    const oldId = keyId(origin, 0x01, old.publicKey).toString('hex')
    const newId = keyId(origin, 0x01, key.publicKey).toString('hex')
    await recordAudit(
      store.events,
      orgId,
      {
        action: 'log.key_rotation',
        user: 'system',
        title: `Log signing key rotated: ${oldId} retired, ${newId} signs from now on`,
        metadata: {
          old_key_id: oldId,
          new_key_id: newId,
          old_fingerprint: old.fingerprint,
          new_fingerprint: key.fingerprint,
          at: new Date(at).toISOString(),
        },
      },
      at,
    )
  }
  return { from: old.fingerprint, to: key.fingerprint, at, retiredFile, orgs: orgs.length }
}
