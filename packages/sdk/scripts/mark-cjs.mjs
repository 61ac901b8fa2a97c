// The CommonJS build lives under the package's "type": "module", so it needs its own package.json
// saying otherwise; tsc does not write one. Run after `tsc -b` (the root build does, via copy-assets).
import { mkdirSync, writeFileSync } from 'node:fs'

const dir = new URL('../dist/cjs/', import.meta.url)
mkdirSync(dir, { recursive: true })
writeFileSync(new URL('package.json', dir), '{ "type": "commonjs" }\n')
