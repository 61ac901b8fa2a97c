import { createHash, randomBytes } from 'node:crypto'
import { uuidv7 } from '@agenttrail/protocol'
import { AppError } from '../app-error.js'
import type { ApiKeyRecord, KeyStore, Scope } from '../store/store.js'
import { SCOPES } from '../store/store.js'

/**
 * Prefixes a key may carry. `at_` is ours; the others let clients of the reference products that
 * check the shape of a key (the `agentledger` SDK insists on `al_`) accept an AgentTrail key.
 */
export const KEY_PREFIXES = ['at_', 'al_', 'sk-lw-', 'aw_'] as const

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** A new secret: the prefix and 40 base64url characters (240 random bits). */
export function generateSecret(prefix: string): string {
  return prefix + randomBytes(30).toString('base64url')
}

export function parseScopes(text: string | readonly string[] | undefined): Scope[] {
  const words = typeof text === 'string' ? text.split(',') : (text ?? ['admin'])
  const scopes = [...new Set(words.map((w) => w.trim()).filter(Boolean))]
  const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s))
  if (bad.length > 0 || scopes.length === 0)
    throw new AppError(
      'validation_failed',
      `scopes must be a non-empty list of ${SCOPES.join(', ')}`,
      [
        {
          path: 'scopes',
          message: `unknown scope(s): ${bad.join(', ').slice(0, 80) || '(none given)'}`,
        },
      ],
    )
  return scopes as Scope[]
}

export function hasScope(key: Pick<ApiKeyRecord, 'scopes'>, scope: Scope): boolean {
  return key.scopes.includes('admin') || key.scopes.includes(scope)
}

export interface CreateKeyOptions {
  orgId: string
  name: string
  description?: string | null
  scopes?: Scope[]
  prefix?: string
  /** Use this exact secret (first-start setup); otherwise a random one. */
  secret?: string
  rotatedFrom?: string | null
}

/** Creates a key and returns its record with the secret, which is never stored and never shown again. */
export async function createApiKey(
  keys: KeyStore,
  options: CreateKeyOptions,
): Promise<ApiKeyRecord & { key: string }> {
  const prefix = options.prefix ?? 'at_'
  if (!(KEY_PREFIXES as readonly string[]).includes(prefix))
    throw new AppError('validation_failed', `prefix must be one of ${KEY_PREFIXES.join(', ')}`, [
      { path: 'prefix', message: `prefix must be one of ${KEY_PREFIXES.join(', ')}` },
    ])
  const secret = options.secret ?? generateSecret(prefix)
  if (secret.length < 20)
    throw new AppError('validation_failed', 'a key must be at least 20 characters long')
  const record = await keys.insert({
    id: uuidv7(),
    orgId: options.orgId,
    name: options.name,
    description: options.description ?? null,
    keyHash: hashKey(secret),
    keyPrefix: secret.slice(0, 10),
    scopes: options.scopes ?? ['admin'],
    rotatedFrom: options.rotatedFrom ?? null,
  })
  return { ...record, key: secret }
}

/** Issues a new key with the old one's name, org and scopes, then revokes the old one. */
export async function rotateApiKey(
  keys: KeyStore,
  id: string,
  orgId?: string,
): Promise<(ApiKeyRecord & { key: string }) | undefined> {
  const old = await keys.get(id, orgId)
  if (!old || old.revoked_at !== null) return undefined
  const prefix = KEY_PREFIXES.find((p) => old.key_prefix.startsWith(p)) ?? 'at_'
  const fresh = await createApiKey(keys, {
    orgId: old.org_id,
    name: old.name,
    description: old.description,
    scopes: old.scopes,
    prefix,
    rotatedFrom: old.id,
  })
  await keys.revoke(old.id)
  return fresh
}
