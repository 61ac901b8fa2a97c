import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { builtinsOnlyViolations, checkImports, importGraph } from '../../scripts/check-imports.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
const made: string[] = []

/** A repository of packages made of the given files (paths from its root). */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'agenttrail-imports-'))
  made.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

afterEach(() => {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true })
})

const S = 'packages/app/src'
const layered = {
  [`packages/app/package.json`]: '{"name":"app"}',
  [`${S}/store/store.ts`]: `import type { Decision } from '../control/types.js'\nexport type Store = { d: Decision }\n`,
  [`${S}/store/sqlite/sqlite.ts`]: `import type { Store } from '../store.js'\nexport const s = {} as Store\n`,
  [`${S}/control/types.ts`]: 'export type Decision = boolean\n',
  [`${S}/control/engine.ts`]: `import type { Decision } from './types.js'\nexport const d: Decision = true\n`,
  [`${S}/control/engine.test.ts`]: `import { s } from '../store/sqlite/sqlite.js'\nexport { s }\n`,
}

describe('the import checker', () => {
  it('passes a graph whose arrows point one way (tests may import anything)', () => {
    expect(checkImports(repo(layered), {})).toEqual([])
  })

  it('fails on a folder cycle that no two files make between them', () => {
    const root = repo({
      ...layered,
      // control/ -> store/ while store/store.ts -> control/types.ts: no file imports a file that
      // imports it back, but the folders import each other.
      [`${S}/control/check.ts`]: `import type { Store } from '../store/sqlite/sqlite.js'\nexport type C = Store\n`,
    })
    const problems = checkImports(root, {})
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^import cycle in packages\/app\/src\/ among control, store: /)
    expect(problems[0]).toContain(`${S}/control/check.ts -> ${S}/store/sqlite/sqlite.ts`)
  })

  it('fails on a file cycle inside one folder, type-only imports included', () => {
    const root = repo({
      ...layered,
      [`${S}/control/types.ts`]: `import type { d } from './engine.js'\nexport type Decision = typeof d\n`,
    })
    expect(checkImports(root, {})).toEqual([
      expect.stringMatching(/^import cycle in packages\/app\/src\/control\/ among /),
    ])
  })

  it('fails on a cycle between packages, resolved by package name', () => {
    const root = repo({
      ...layered,
      'packages/lib/package.json': '{"name":"@x/lib"}',
      'packages/lib/src/index.ts': `import { d } from 'app/control/engine'\nexport const e = d\n`,
      [`${S}/index.ts`]: `import { e } from '@x/lib'\nexport const f = e\n`,
    })
    expect(checkImports(root, {})).toEqual([
      expect.stringMatching(/^import cycle in packages\/ among app, lib: /),
    ])
  })

  it('counts a worker started from a URL as an import', () => {
    const root = repo({
      ...layered,
      [`${S}/control/types.ts`]: `export const w = new URL('../store/store.js', import.meta.url)\n`,
    })
    expect(importGraph(root)).toContainEqual({
      from: `${S}/control/types.ts`,
      to: `${S}/store/store.ts`,
    })
  })

  it('fails on an import its room may not make, and names the rule', () => {
    const rules = {
      [`${S}/control/`]: [],
      [`${S}/store/`]: [`${S}/control/types.ts`],
    }
    expect(checkImports(repo(layered), rules)).toEqual([])
    const root = repo({
      ...layered,
      [`${S}/store/sqlite/sqlite.ts`]: `import { d } from '../../control/engine.js'\nexport const s = d\n`,
    })
    expect(checkImports(root, rules)).toEqual([
      `${S}/store/sqlite/sqlite.ts may not import ${S}/control/engine.ts (rule for ${S}/store/)`,
    ])
  })

  it('holds a BUILTINS_ONLY entry to Node built-ins and its allowed files, type imports aside', () => {
    const only = { [`${S}/verify.ts`]: [`${S}/core/`] }
    const files = {
      ...layered,
      [`${S}/core/hash.ts`]: `import { createHash } from 'node:crypto'\nexport const h = createHash\n`,
      [`${S}/core/index.ts`]: `import { h } from './hash.js'\nimport type { Store } from '../store/store.js'\nexport const x: Store | typeof h = h\n`,
      [`${S}/verify.ts`]: `import { readFileSync } from 'node:fs'\nimport { x } from './core/index.js'\nexport const v = [readFileSync, x]\n`,
    }
    expect(builtinsOnlyViolations(repo(files), only)).toEqual([])
    const root = repo({
      ...files,
      [`${S}/core/hash.ts`]: `import { z } from 'zod'\nimport { d } from '../control/engine.js'\nexport const h = [z, d]\n`,
    })
    expect(builtinsOnlyViolations(root, only)).toEqual([
      `${S}/core/hash.ts imports zod, which ${S}/verify.ts may not load (Node built-ins only; rule BUILTINS_ONLY)`,
      `${S}/core/hash.ts imports ${S}/control/engine.ts, which ${S}/verify.ts may not load (Node built-ins only; rule BUILTINS_ONLY)`,
    ])
  })

  it('finds no cycle and no broken rule in this repository', () => {
    expect(checkImports(ROOT)).toEqual([])
  })
})
