import { existsSync, renameSync } from 'node:fs'
import type { NoteSigner } from '@agenttrail/protocol'
import { sign } from 'node:crypto'
import type { Store } from '../store/store.js'
import type { LogKey } from './log-key-file.js'
import { LogKeyError, loadLogKey } from './log-key-file.js'
import { logOrigin, originPrefix } from './log-identity.js'

/** Signs every org log's checkpoints with the server's one key, under each log's own name. */
export interface LogSigner {
  key: LogKey
  /** The origin prefix (`AGENTTRAIL_LOG_ORIGIN` or derived from the first key). */
  prefix: string
  origin(orgId: string): string
  /** A signed-note signer named after the org log's origin. */
  signer(orgId: string): NoteSigner
}

/** Where a rotation leaves the new key until the database has made it current. */
export const nextKeyPath = (path: string) => `${path}.next`

/**
 * The signing key on start: reads the key file (creating it on the very first start, when the
 * database has no key either), records it as the current key if there is none, and refuses, with
 * a LogKeyError that says what to do, a key that is not the log's current one: a server given the
 * wrong file would otherwise fork the log's key history. A rotation interrupted after the database
 * made the new key current (`agenttrail log rotate-key`) is finished here.
 */
export async function openLogSigner(
  store: Pick<Store, 'checkpoints'>,
  options: { keyFile: string; origin: string | undefined; now?: number },
): Promise<LogSigner> {
  const now = options.now ?? Date.now()
  const known = await store.checkpoints.keys()
  const path = options.keyFile
  let key: LogKey = loadLogKey(path, { create: known.length === 0 })
  const current = await store.checkpoints.adoptKey(key, now)
  if (current.fingerprint !== key.fingerprint) {
    const next = nextKeyPath(path)
    const pending = existsSync(next) ? loadLogKey(next, { create: false }) : undefined
    if (pending?.fingerprint !== current.fingerprint)
      throw new LogKeyError(
        `the log signing key in ${path} (fingerprint ${key.fingerprint.slice(0, 16)}) is not the log's current key (${current.fingerprint.slice(0, 16)}): restore the current key file (every server sharing the database needs the same one), or rotate with "agenttrail log rotate-key"`,
        'not_current',
      )
    renameSync(next, path)
    key = pending
  }
  const keys = known.length === 0 ? await store.checkpoints.keys() : known
  const prefix = originPrefix(options.origin, keys)
  const signers = new Map<string, NoteSigner>()
  return {
    key,
    prefix,
    origin: (orgId) => logOrigin(prefix, orgId),
    signer(orgId) {
      let signer = signers.get(orgId)
      if (!signer) {
        signer = {
          name: logOrigin(prefix, orgId),
          publicKey: key.publicKey,
          sign: (message) => sign(null, message, key.privateKey),
        }
        if (signers.size > 10_000) signers.clear()
        signers.set(orgId, signer)
      }
      return signer
    },
  }
}
