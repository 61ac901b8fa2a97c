import { parseArgs } from 'node:util'
import { createApiKey, loadConfig, openStore, parseScopes, rotateApiKey } from '@agenttrail/server'
import type { ApiKeyRecord } from '@agenttrail/server'
import { fail, usage } from './exit-codes.js'

/**
 * `agenttrail keys ...` works on the data folder directly, so an operator can mint the first keys
 * before or while the server runs. A new key's secret is printed alone on the last line.
 */
export async function keysCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      prefix: { type: 'string' },
      org: { type: 'string' },
      description: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  })
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { AGENTTRAIL_DATA_DIR: values['data-dir'] } : {}),
  })
  const store = await openStore(config)
  const out = (line: string) => process.stdout.write(`${line}\n`)
  try {
    switch (sub) {
      case 'create': {
        if (!values.name) return usage('keys create needs --name NAME')
        const key = await createApiKey(store.keys, {
          orgId: values.org ?? 'default',
          name: values.name,
          description: values.description ?? null,
          scopes: parseScopes(values.scopes ?? 'admin'),
          prefix: values.prefix,
        })
        out(
          `Created key ${key.id} "${key.name}" in org ${key.org_id} with scopes ${key.scopes.join(',')}. The key is shown once:`,
        )
        out(key.key)
        return 0
      }
      case 'list': {
        const keys = await store.keys.list(values.org)
        out(['id', 'org', 'name', 'prefix', 'scopes', 'created', 'last used', 'revoked'].join('\t'))
        for (const k of keys) out(row(k))
        return 0
      }
      case 'revoke': {
        const id = positionals[0]
        if (!id) return usage('keys revoke needs the key id')
        if (!(await store.keys.revoke(id))) return fail(`no active key with id ${id}`)
        out(`Revoked key ${id}.`)
        return 0
      }
      case 'rotate': {
        const id = positionals[0]
        if (!id) return usage('keys rotate needs the key id')
        const fresh = await rotateApiKey(store.keys, id)
        if (!fresh) return fail(`no active key with id ${id}`)
        out(`Revoked key ${id} and created ${fresh.id} in its place. The new key is shown once:`)
        out(fresh.key)
        return 0
      }
      default:
        return usage(`unknown keys command "${sub ?? ''}"; use create, list, revoke or rotate`)
    }
  } finally {
    await store.close()
  }
}

function row(k: ApiKeyRecord): string {
  return [
    k.id,
    k.org_id,
    k.name,
    k.key_prefix,
    k.scopes.join(','),
    k.created_at,
    k.last_used_at ?? '-',
    k.revoked_at ?? '-',
  ].join('\t')
}
