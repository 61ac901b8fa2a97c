import { z } from 'zod'
import { SCOPES } from '../../store/store.js'
import type { ApiKeyRecord } from '../../store/store.js'

/** A key as the session and whoami answers show it: never its secret or hash. */
export const KeyViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The first 10 characters of the key.'),
    scopes: z.array(z.enum(SCOPES)),
  })
  .meta({ id: 'KeyView' })

/** The {@link KeyViewSchema} view of a key record. */
export function keyView(key: ApiKeyRecord): z.output<typeof KeyViewSchema> {
  return { id: key.id, name: key.name, prefix: key.key_prefix, scopes: key.scopes }
}
