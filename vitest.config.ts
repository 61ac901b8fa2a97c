import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    // An array, so the subpath pattern is tried before the bare package name.
    alias: [
      { find: '@agenttrail/protocol', replacement: src('protocol') },
      { find: '@agenttrail/server', replacement: src('server') },
      {
        find: /^agenttrail\/integrations\/(.+)$/,
        replacement: fileURLToPath(
          new URL('./packages/sdk/src/integrations/$1.ts', import.meta.url),
        ),
      },
      { find: /^agenttrail$/, replacement: src('sdk') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
