import { createArchiveFiles } from '../../../archive/archive-files.js'
import type { AppDeps } from '../../app-env.js'
import type { Router } from '../../router.js'
import { createAgentDirectory } from './wiro-agent.js'
import { wiroIngestRoute } from './wiro-ingest-route.js'
import { wiroLogRoutes } from './wiro-log-routes.js'

/** The Wiro surface (shared/reference/003) under `/v1`: the activity feed and its ingest. */
export function wiroRoutes(
  router: Router,
  deps: Pick<AppDeps, 'store' | 'ingest' | 'config'>,
): void {
  const agents = createAgentDirectory(deps.store)
  wiroIngestRoute(router, agents, deps.ingest)
  wiroLogRoutes(router, {
    store: deps.store,
    files: createArchiveFiles(deps.config.dataDir),
    agents,
    retentionDays: deps.config.archiveRetentionDays,
  })
}
