import { z } from 'zod'
import type { Store } from '../../store/store.js'
import type { Router } from '../router.js'

export function healthRoutes(router: Router, store: Store): void {
  router.add(
    {
      method: 'get',
      path: '/healthz',
      tag: 'operations',
      summary: 'The process is alive',
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
    },
    (c) => c.json({ status: 'ok' }),
  )
  router.add(
    {
      method: 'get',
      path: '/readyz',
      tag: 'operations',
      summary: 'The store answers a real query',
      responses: {
        200: {
          description: 'Ready',
          schema: z.object({ status: z.literal('ready'), store: z.string() }),
        },
        503: {
          description: 'The store does not answer',
          schema: z.object({ status: z.literal('unavailable'), store: z.string() }),
        },
      },
    },
    async (c) => {
      try {
        await store.ping()
        return c.json({ status: 'ready', store: store.dialect })
      } catch {
        return c.json({ status: 'unavailable', store: store.dialect }, 503)
      }
    },
  )
}
