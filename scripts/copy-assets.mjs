// Copies the non-TypeScript files the server reads at run time (SQL migrations) into dist/.
import { cpSync, existsSync } from 'node:fs'

const pairs = [
  ['packages/server/src/store/sqlite/migrations', 'packages/server/dist/store/sqlite/migrations'],
  [
    'packages/server/src/store/postgres/migrations',
    'packages/server/dist/store/postgres/migrations',
  ],
]
for (const [from, to] of pairs) if (existsSync(from)) cpSync(from, to, { recursive: true })

// The SDK's CommonJS build needs a package.json saying so (packages/sdk/scripts/mark-cjs.mjs).
await import('../packages/sdk/scripts/mark-cjs.mjs')
