import { KEY_PREFIXES, createApiKey } from './auth/api-keys.js'
import type { Config } from './config.js'
import type { Logger } from './log.js'
import type { KeyStore } from './store/store.js'

/**
 * First start: with no active key anywhere, create the org and one admin key. With
 * `AGENTTRAIL_INIT_API_KEY` that exact key (for scripted setups); otherwise a random one, printed
 * once through `announce`. Returns the new key's secret, or undefined when keys already existed.
 */
export async function bootstrapKeys(
  keys: KeyStore,
  config: Pick<Config, 'initApiKey' | 'initOrg'>,
  announce: (text: string) => void,
  logger: Logger,
): Promise<string | undefined> {
  if ((await keys.countActive()) > 0) return undefined
  const given = config.initApiKey
  const prefix = given ? (KEY_PREFIXES.find((p) => given.startsWith(p)) ?? 'at_') : 'at_'
  let created
  try {
    created = await createApiKey(keys, {
      orgId: config.initOrg,
      name: 'admin',
      scopes: ['admin'],
      prefix,
      secret: given,
    })
  } catch (error) {
    // Another server on the same database got there first (the same initial key, say).
    if ((await keys.countActive()) > 0) return undefined
    throw error
  }
  logger.info('created first admin key', {
    org: created.org_id,
    key_id: created.id,
    key_prefix: created.key_prefix,
  })
  if (!given)
    announce(
      `\nNo API keys existed, so AgentTrail created org "${created.org_id}" and this admin key. It is shown once; store it now:\n\n  ${created.key}\n\n`,
    )
  return created.key
}
