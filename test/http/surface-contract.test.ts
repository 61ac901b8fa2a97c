import { describeSurfaceContract } from '../helpers/surface-contract.js'
import { DIALECTS } from '../helpers/test-app.js'

// Every ingest path of every surface (test/helpers/ingest-paths.ts), on every store.
for (const dialect of DIALECTS) describeSurfaceContract(dialect)
