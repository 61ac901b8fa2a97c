import { z } from 'zod'
import { AppError } from '../../../app-error.js'
import type { ArchiveFiles } from '../../../archive/archive-files.js'
import type { ApiKeyRecord, Store } from '../../../store/store.js'
import { DAY_MS } from '../../../store/time-buckets.js'
import { rawBody } from '../../route-spec.js'
import type { RouteSpec } from '../../route-spec.js'
import type { Router } from '../../router.js'
import { listActivityDays, readActivityDay } from './wiro-activity-day.js'
import type { AgentDirectory, ResolvedAgent } from './wiro-agent.js'
import { createRenderedSizes } from './wiro-rendered-sizes.js'
import { asObject, parseDate, parseLines, requireGuid } from './wiro-request.js'
import { clientAddress } from '../../ingest-request.js'
import {
  LogsDayRequestSchema,
  LogsDeleteResponseSchema,
  LogsFileResponseSchema,
  LogsListRequestSchema,
  LogsListResponseSchema,
  LogsRequestSchema,
  LogsResponseSchema,
  WiroErrorSchema,
} from './wiro-schemas.js'

/** Events one `LogsFile` answer holds at most (Wiro's per-file ceiling). */
export const FILE_MAX_EVENTS = 50_000
const BODY_BYTES = 64 * 1024

export interface WiroLogDeps {
  store: Store
  files: ArchiveFiles
  agents: AgentDirectory
  retentionDays: number
}

// Wiro's parameters are parsed by hand (`wiro-request.ts`) for Wiro's own error messages.
const spec = (path: string, summary: string, description: string, body: z.ZodType, ok: z.ZodType) =>
  ({
    method: 'post',
    path: `/v1/UserAgent/${path}`,
    tag: 'wiro',
    surface: 'wiro',
    scope: path === 'LogsDelete' ? 'admin' : 'read',
    summary,
    description,
    body: rawBody(body),
    bodyBytes: BODY_BYTES,
    responses: {
      // Wiro answers its errors with 200 too.
      200: {
        description: 'Success, or a Wiro error (`result: false`)',
        schema: z.union([ok, WiroErrorSchema]),
      },
      401: { description: 'Missing or unknown key', schema: WiroErrorSchema },
    },
  }) satisfies RouteSpec

/** The request body and the agent its `useragentguid` names in the caller's org. */
function agentRequest(
  value: unknown,
  key: ApiKeyRecord,
  agents: AgentDirectory,
): { body: Record<string, unknown>; agent: () => Promise<ResolvedAgent> } {
  const body = asObject(value)
  const guid = requireGuid(body)
  return { body, agent: () => agents.resolve(key.org_id, guid) }
}

/** Wiro's activity feed (shared/reference/003): `Logs`, `LogsList`, `LogsFile`, `LogsDelete`. */
export function wiroLogRoutes(router: Router, deps: WiroLogDeps): void {
  const source = { files: deps.files, events: deps.store.events, sizes: createRenderedSizes() }

  router.add(
    spec(
      'Logs',
      'Live tail of an agent’s activity (Wiro)',
      'The newest `lines` events of one UTC day, newest first.',
      LogsRequestSchema,
      LogsResponseSchema,
    ),
    async (c, input) => {
      const { body, agent } = agentRequest(input.body, input.key, deps.agents)
      const { date } = parseDate(body, Date.now(), false)
      const lines = parseLines(body)
      const day = await readActivityDay(source, await agent(), date, lines)
      return c.json({ result: true, errors: [], date, totalLines: day.total, events: day.events })
    },
  )

  router.add(
    spec(
      'LogsList',
      'Days with activity (Wiro)',
      'Archive files and days not archived yet, newest first.',
      LogsListRequestSchema,
      LogsListResponseSchema,
    ),
    async (c, input) => {
      const { agent } = agentRequest(input.body, input.key, deps.agents)
      const dates = await listActivityDays(source, await agent(), Date.now(), deps.retentionDays)
      return c.json({ result: true, errors: [], dates })
    },
  )

  router.add(
    spec(
      'LogsFile',
      'One day’s full activity (Wiro)',
      'Every event of the day (at most 50,000, the newest), newest first.',
      LogsDayRequestSchema,
      LogsFileResponseSchema,
    ),
    async (c, input) => {
      const { body, agent } = agentRequest(input.body, input.key, deps.agents)
      const { date } = parseDate(body, Date.now(), true)
      const day = await readActivityDay(source, await agent(), date, FILE_MAX_EVENTS)
      if (!day.found) throw new AppError('not_found', 'Failed to fetch activity file from worker')
      return c.json({
        result: true,
        errors: [],
        date,
        truncated: day.total > FILE_MAX_EVENTS,
        events: day.events,
      })
    },
  )

  router.add(
    spec(
      'LogsDelete',
      'Delete one day’s activity (Wiro)',
      'Erases the agent’s events of that UTC day (their openings in the integrity log with them; the leaves stay) and, in the same transaction, appends a tombstone when any went: an `audit` event `log.erasure` (no agent, `user` = the key’s id, `reason: "LogsDelete"`, `selector: {by: "agent_day", agent, day, environment}`); then deletes the day’s archive files. Idempotent. Needs the admin scope.',
      LogsDayRequestSchema,
      LogsDeleteResponseSchema,
    ),
    async (c, input) => {
      const { body, agent: find } = agentRequest(input.body, input.key, deps.agents)
      const { date, dayStart } = parseDate(body, Date.now(), true)
      const agent = await find()
      const { orgId, name, environment } = agent.ref
      // The store first, the files second: with the archive job's check after each write, no file
      // of the day survives however the two interleave (see runArchive in jobs/archive.ts).
      await deps.store.events.erase(
        orgId,
        { from: dayStart, to: dayStart + DAY_MS, agent: name, environment },
        {
          reason: 'LogsDelete',
          selector: { by: 'agent_day', agent: name, day: date, environment },
          requestRef: null,
          actor: input.key.id,
          environment,
          ipAddress: clientAddress(c),
        },
      )
      const removed = await deps.files.remove(orgId, agent.guid, date)
      return c.json({ result: true, errors: [], date, removed })
    },
  )
}
