import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const read = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../packages/sdk/${path}`, import.meta.url), 'utf8'))

/** The SDK goes into every user's agent: CI holds it to zero runtime dependencies (shared/STYLE.md). */
describe("the SDK's package.json", () => {
  const pkg = read('package.json')

  it('declares no runtime dependencies', () => {
    expect(pkg.dependencies ?? {}).toEqual({})
    expect(pkg.optionalDependencies ?? {}).toEqual({})
    expect(pkg.bundleDependencies ?? pkg.bundledDependencies ?? []).toEqual([])
  })

  it('is the agenttrail package, with ESM and CommonJS entry points that both carry types', () => {
    expect(pkg.name).toBe('agenttrail')
    expect(pkg.private).toBeUndefined()
    const root = pkg.exports['.']
    expect(root.import).toEqual({ types: './dist/esm/index.d.ts', default: './dist/esm/index.js' })
    expect(root.require).toEqual({ types: './dist/cjs/index.d.ts', default: './dist/cjs/index.js' })
    expect(pkg.exports['./integrations/*']).toBeDefined()
  })

  it('imports nothing outside the package at run time; Node built-ins only lazily: node:http(s) in the Node transport, node:crypto and node:buffer in the log verifier', () => {
    const src = new URL('../../packages/sdk/src/', import.meta.url)
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    )
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const source = readFileSync(
        new URL(`../../packages/sdk/src/${file}`, import.meta.url),
        'utf8',
      )
      for (const [, spec] of source.matchAll(/^(?:import|export)[^'"]*from ['"]([^'"]+)['"]/gm))
        expect(spec, `${file} imports ${spec}`).toMatch(/^\.\.?\//)
      // Dynamic imports and require: only these built-ins, each in its one module, on first use.
      const lazy: Record<string, string> = {
        'node:http': 'node-http-fetch.ts',
        'node:https': 'node-http-fetch.ts',
        'node:crypto': 'log/node-crypto.ts',
        'node:buffer': 'log/node-crypto.ts',
      }
      for (const [, spec] of source.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        expect(spec, `${file} loads ${spec}`).toMatch(/^(\.\.?\/|node:(https?|crypto|buffer)$)/)
        if (spec?.startsWith('node:')) expect(file.split('\\').join('/')).toBe(lazy[spec])
      }
    }
  })
})
