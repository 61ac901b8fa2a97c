import type { IncomingMessage } from 'node:http'
import type { ApiKeyRecord } from '../store/store.js'

/** Hono's typed context for this app. `incoming` is absent when tested in memory. */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage }
  Variables: { requestId: string; apiKey: ApiKeyRecord; surface: string }
}
