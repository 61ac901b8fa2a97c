import { z } from 'zod'
import { AppError } from '../../app-error.js'
import { KEY_PREFIXES, createApiKey, parseScopes, rotateApiKey } from '../../auth/api-keys.js'
import type { ApiKeyRecord, Store } from '../../store/store.js'
import { SCOPES } from '../../store/store.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'

const KEY_BODY_BYTES = 16_384

const CreateKeySchema = z
  .object({
    name: z
      .string()
      .min(1, 'name must not be empty')
      .max(100)
      .default('api key')
      .describe('Default "api key".'),
    description: z.string().max(500).optional(),
    scopes: z
      .union([z.array(z.enum(SCOPES)), z.string()])
      .optional()
      .describe(
        `Any of ${SCOPES.join(', ')}, as an array or a comma-separated string. Default admin.`,
      ),
    prefix: z
      .enum(KEY_PREFIXES)
      .optional()
      .describe(
        'Default: the prefix of the key making the request, so an `al_` client gets an `al_` key.',
      ),
  })
  .meta({ id: 'CreateKey' })

/** `id`, or AgentLedger's `keyId`. */
const KeyIdSchema = z
  .object({ id: z.string().min(1).max(64).optional(), keyId: z.string().min(1).max(64).optional() })
  .refine((b) => b.id !== undefined || b.keyId !== undefined, {
    message: 'id (or keyId) is required',
    path: ['id'],
  })
  .transform((b) => ({ id: (b.id ?? b.keyId) as string }))

const KeySchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    key_prefix: z.string().describe('The first 10 characters of the key.'),
    scopes: z.array(z.enum(SCOPES)),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    rotated_from: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' })

const NewKeySchema = KeySchema.extend({
  key: z.string().describe('The secret. Shown once, never stored.'),
}).meta({ id: 'NewApiKey' })

function shown(record: ApiKeyRecord & { key: string }) {
  return { ...record, rotatedFrom: record.rotated_from }
}

export function keyRoutes(router: Router, store: Store): void {
  router.add(
    {
      method: 'post',
      path: '/api/v1/keys/create',
      tag: 'keys',
      scope: 'admin',
      summary: 'Create a key in your org',
      description:
        'AgentLedger clients send `{ name, description }` and get the same key prefix as the key they call with.',
      body: CreateKeySchema,
      bodyBytes: KEY_BODY_BYTES,
      responses: {
        201: { description: 'The new key, with its secret', schema: NewKeySchema },
        400: { description: 'Invalid body', schema: ErrorBodySchema },
      },
    },
    async (c, { body, key }) => {
      const created = await createApiKey(store.keys, {
        orgId: key.org_id,
        name: body.name,
        description: body.description ?? null,
        scopes: parseScopes(body.scopes),
        prefix: body.prefix ?? KEY_PREFIXES.find((p) => key.key_prefix.startsWith(p)),
      })
      return c.json(shown(created), 201)
    },
  )
  router.add(
    {
      method: 'post',
      path: '/api/v1/keys/rotate',
      tag: 'keys',
      scope: 'admin',
      summary: 'Replace a key by a new one with the same name and scopes; the old one is revoked',
      body: KeyIdSchema,
      bodyBytes: KEY_BODY_BYTES,
      responses: {
        201: {
          description: 'The new key, with `rotatedFrom`',
          schema: NewKeySchema.extend({ rotatedFrom: z.string() }),
        },
        404: { description: 'No such active key in your org', schema: ErrorBodySchema },
      },
    },
    async (c, { body: { id }, key }) => {
      const fresh = await rotateApiKey(store.keys, id, key.org_id)
      if (!fresh) throw new AppError('not_found', 'no active key with this id in your org')
      return c.json(shown(fresh), 201)
    },
  )
  router.add(
    {
      method: 'post',
      path: '/api/v1/keys/revoke',
      tag: 'keys',
      scope: 'admin',
      summary: 'Revoke a key (not the one making the request)',
      body: KeyIdSchema,
      bodyBytes: KEY_BODY_BYTES,
      responses: {
        200: {
          description: 'Revoked',
          schema: z.object({ id: z.string(), revoked: z.literal(true) }),
        },
        404: { description: 'No such active key in your org', schema: ErrorBodySchema },
        409: { description: 'A key cannot revoke itself', schema: ErrorBodySchema },
      },
    },
    async (c, { body: { id }, key: self }) => {
      if (id === self.id)
        throw new AppError(
          'self_revocation',
          'a key cannot revoke itself; revoke it with another admin key, or rotate it',
        )
      if (!(await store.keys.revoke(id, self.org_id)))
        throw new AppError('not_found', 'no active key with this id in your org')
      return c.json({ id, revoked: true as const })
    },
  )
  router.add(
    {
      method: 'get',
      path: '/api/v1/keys',
      tag: 'keys',
      scope: 'admin',
      summary: "Your org's keys (never their secrets)",
      responses: {
        200: { description: 'Keys, oldest first', schema: z.object({ keys: z.array(KeySchema) }) },
      },
    },
    async (c, { key }) => c.json({ keys: await store.keys.list(key.org_id) }),
  )
}
