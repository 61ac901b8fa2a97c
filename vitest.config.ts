import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    // An array, so the subpath pattern is tried before the bare package name.
    alias: [
      {
        find: '@agenttrail/protocol/integrity',
        replacement: fileURLToPath(
          new URL('./packages/protocol/src/integrity/index.ts', import.meta.url),
        ),
      },
      { find: '@agenttrail/protocol', replacement: src('protocol') },
      { find: '@agenttrail/server', replacement: src('server') },
      { find: '@agenttrail/mcp', replacement: src('mcp') },
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
    // Two files at a time: most tests wait on sockets, fsync, child processes and Chromium rather
    // than the CPU, so two run well on two cores (vitest's default there is one).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
