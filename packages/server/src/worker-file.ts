import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * The compiled JavaScript file of a worker module. A worker must be JavaScript: when this code runs
 * from TypeScript sources (tests), the worker comes from the build in dist/ (built before tests run).
 */
export function compiledWorkerFile(here: URL): URL {
  if (existsSync(fileURLToPath(here))) return here
  return pathToFileURL(fileURLToPath(here).replace(/\/src\/(?!.*\/src\/)/, '/dist/'))
}
