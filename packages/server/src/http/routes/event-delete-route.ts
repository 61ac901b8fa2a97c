import { z } from 'zod'
import { isUuid } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import type { Config } from '../../config.js'
import { createEraser } from '../../erasure/eraser.js'
import type { Store } from '../../store/store.js'
import { clientAddress } from '../ingest-request.js'
import { ErrorBodySchema } from '../openapi.js'
import type { Router } from '../router.js'

const DeletedEventSchema = z
  .object({
    deleted: z.literal(true),
    id: z.string().describe('The deleted event’s id.'),
    audit_event_id: z
      .string()
      .describe(
        'The tombstone: the `audit` event (`log.erasure`) recording the deletion, appended with it.',
      ),
  })
  .meta({ id: 'DeletedEvent' })

/** 409 `audit_event`: audit events, tombstones first, are never erased (retention keeps them too). */
export const auditEventError = () =>
  new AppError(
    'audit_event',
    'audit events record what was done to the trail and cannot be deleted or erased; retention keeps them too',
  )

// The same answer for an unknown id, another org's and one deleted before: nothing to tell apart.
const notFound = () => new AppError('not_found', 'no event with this id in your org')

/**
 * `DELETE /api/v1/events/{id}` (admin): erases one event of the key's org (`Eraser`, selector
 * `event`): the row with everything derived from it and its opening in the log go, and its
 * tombstone (`log.erasure`, naming the event's id and seq and the key, never its payload) is
 * appended in the same transaction; then its agent's archive files of that day go (the archive job
 * writes them again from the store). Audit events themselves cannot be deleted: the trail of
 * deletions would lose its own record.
 */
export function eventDeleteRoute(
  router: Router,
  deps: { store: Store; config: Pick<Config, 'dataDir'> },
): void {
  const eraser = createEraser({ store: deps.store, dataDir: deps.config.dataDir })
  router.add(
    {
      method: 'delete',
      path: '/api/v1/events/{id}',
      tag: 'events',
      scope: 'admin',
      summary: 'Delete one event',
      description:
        'Erases the event: the row and everything derived from it (search index, tags, evaluations, rollups, agent counters, conversation summary, a system prompt no other event uses, its opening in the integrity log, its agent’s archive file of that day, which the archive job writes again without it) go, its leaf in the log stays, and in the same transaction a tombstone is appended: an `audit` event `log.erasure` (`user` = the key’s id) whose metadata names the erased seq, `reason: "event delete"` and `selector: {by: "event", event_id}`. The same as `POST /api/v1/erasures` with `event_id`. An id that is not a UUID answers 404, as `GET /api/v1/events/{id}` does.',
      params: z.object({ id: z.string() }),
      responses: {
        200: { description: 'Deleted; the audit event’s id', schema: DeletedEventSchema },
        404: { description: 'No such event in this org', schema: ErrorBodySchema },
        409: { description: 'An `audit` event cannot be deleted', schema: ErrorBodySchema },
      },
    },
    async (c, { params, key }) => {
      const orgId = key.org_id
      // Every stored id is a canonical UUID (the event schema); anything else cannot be one of them.
      if (!isUuid(params.id)) throw notFound()
      const event = await deps.store.events.get(orgId, params.id)
      if (!event) throw notFound()
      if (event.kind === 'audit') throw auditEventError()
      const ts = Date.parse(event.ts)
      const { tombstones } = await eraser.erase(
        orgId,
        { from: ts, to: ts + 1, id: event.id },
        {
          reason: 'event delete',
          selector: { by: 'event', event_id: event.id },
          requestRef: null,
          actor: key.id,
          environment: event.environment,
          ipAddress: clientAddress(c),
        },
      )
      // Another request erased it between the read and this one: this one erased nothing.
      const tombstone = tombstones[0]
      if (!tombstone) throw notFound()
      return c.json({ deleted: true as const, id: event.id, audit_event_id: tombstone.id })
    },
  )
}
