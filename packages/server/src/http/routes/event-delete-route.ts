import { z } from 'zod'
import { agentGuid, isUuid } from '@agenttrail/protocol'
import { AppError } from '../../app-error.js'
import { dayName } from '../../archive/archive-day.js'
import { createArchiveFiles } from '../../archive/archive-files.js'
import type { Config } from '../../config.js'
import type { GroupCommitter } from '../../ingest/group-committer.js'
import { recordAudit } from '../../ingest/record-audit.js'
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
      .describe('The `audit` event (`event.delete`) recording the deletion.'),
  })
  .meta({ id: 'DeletedEvent' })

// The same answer for an unknown id, another org's and one deleted before: nothing to tell apart.
const notFound = () => new AppError('not_found', 'no event with this id in your org')

/**
 * `DELETE /api/v1/events/{id}` (admin): deletes one event of the key's org with everything derived
 * from it, as a range delete does (`EventStore.delete` with the event's id), removes its agent's
 * archive files of that day (the archive job writes them again from the store), then records the
 * deletion as an `audit` event (`event.delete`) naming the event and the key, never its payload.
 * Audit events themselves cannot be deleted here: the trail of deletions would lose its own record.
 */
export function eventDeleteRoute(
  router: Router,
  deps: {
    store: Store
    committer: Pick<GroupCommitter, 'append'>
    config: Pick<Config, 'dataDir'>
  },
): void {
  const files = createArchiveFiles(deps.config.dataDir)
  router.add(
    {
      method: 'delete',
      path: '/api/v1/events/{id}',
      tag: 'events',
      scope: 'admin',
      summary: 'Delete one event',
      description:
        'Deletes the event and everything derived from it (search index, tags, evaluations, rollups, agent counters, conversation summary, a system prompt no other event uses, its agent’s archive file of that day, which the archive job writes again without it), then records an `audit` event (`event.delete`) naming the event’s id, kind, agent, environment and ts and the key that deleted it. An id that is not a UUID answers 404, as `GET /api/v1/events/{id}` does.',
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
      if (event.kind === 'audit')
        throw new AppError(
          'audit_event',
          'audit events record what was done to the trail and cannot be deleted; they go with the retention period like every event',
        )
      const ts = Date.parse(event.ts)
      const deleted = await deps.store.events.delete(orgId, {
        from: ts,
        to: ts + 1,
        id: event.id,
      })
      // Another request deleted it between the read and the delete: this one deleted nothing.
      if (deleted === 0) throw notFound()
      // The store first, the files second, as Wiro's LogsDelete: with the archive job's check after
      // each write, no file holding the event survives however the two interleave.
      if (event.agent !== null)
        await files.remove(orgId, agentGuid(orgId, event.environment, event.agent), dayName(ts))
      const auditId = await recordAudit(deps.committer, orgId, {
        action: 'event.delete',
        user: key.id,
        environment: event.environment,
        title: `Deleted event ${event.id} (${event.kind})`,
        metadata: {
          event: {
            id: event.id,
            kind: event.kind,
            agent: event.agent,
            environment: event.environment,
            ts: event.ts,
          },
          key: { id: key.id, name: key.name },
        },
        ipAddress: clientAddress(c),
      })
      return c.json({ deleted: true as const, id: event.id, audit_event_id: auditId })
    },
  )
}
