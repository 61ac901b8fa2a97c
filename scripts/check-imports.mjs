// The import graph's rules, checked on every `npm run lint` (docs/architecture.md, "Dependency
// rules"). Two checks over the source files of packages/*/src (tests and contracts excluded: test
// code may reach anywhere):
//
// 1. No cycles at any folder level. At every folder, its children (files and subfolders) are nodes,
//    and an import from a file under one child to a file under another is an arrow between them;
//    those arrows must form no circle. At packages/server/src this is the folder-level graph
//    (store/ -> control/ -> store/ fails even when no two files import each other), and inside a
//    folder of files it is the file-level graph, so no file cycle can hide either.
// 2. Each room imports only what its rule allows (RULES below): a rule names a folder or file and
//    the folders and files its sources may import besides their own room; the longest rule that
//    covers a file names its room. Packages are resolved by name (`@agenttrail/protocol` is
//    packages/protocol/src/index.ts). A worker started by `new URL('./x.js', import.meta.url)` is
//    an import too (a module file's URL: reading `../package.json` that way is not).
// 3. Some entry points must run on Node's built-ins alone (BUILTINS_ONLY): `agenttrail verify` is
//    what an auditor runs, with no server and no npm dependency. Everything such an entry reaches
//    (type-only imports aside) must be a `node:` module or a file its rule names.
//
// Usage: node scripts/check-imports.mjs [--graph]. Exits 1 with one line per problem.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const S = 'packages/server/src/'
/** Server rooms that only hold leaves: any room may import them. */
const LEAVES = [
  `${S}app-error.ts`,
  `${S}batcher.ts`,
  `${S}config.ts`,
  `${S}log.ts`,
  `${S}worker-file.ts`,
]
/** The modules of control/ that declare its model and ports, which the stores implement. */
const CONTROL_MODEL = [
  'budget-period.ts',
  'budget-record.ts',
  'control-ops.ts',
  'control-records.ts',
  'control-transitions.ts',
  'control-types.ts',
  'enforcement.ts',
  'org-controls.ts',
  'policy-rules.ts',
  'safe-regex.ts',
].map((f) => `${S}control/${f}`)
const PROTOCOL = 'packages/protocol/src/'

/**
 * What each room may import besides itself (paths from the repository root; a trailing `/` is a
 * folder). Mirrored, with reasons, in docs/architecture.md.
 */
export const RULES = {
  'packages/protocol/src/': ['packages/protocol/src/integrity/'],
  // The integrity code an offline verifier runs: its own files and Node's built-ins only.
  'packages/protocol/src/integrity/': [],
  'packages/sdk/src/': [],
  'packages/server/src/': [PROTOCOL, ...LEAVES],
  // The composition root and the package's entry point.
  [`${S}server.ts`]: [PROTOCOL, S],
  [`${S}index.ts`]: [S],
  [`${S}bootstrap.ts`]: [PROTOCOL, ...LEAVES, `${S}auth/`, `${S}store/`],
  [`${S}control/`]: [PROTOCOL, ...LEAVES],
  [`${S}store/`]: [PROTOCOL, ...LEAVES, ...CONTROL_MODEL, `${S}orgs/org-settings.ts`],
  [`${S}auth/`]: [PROTOCOL, ...LEAVES, `${S}store/`],
  [`${S}orgs/`]: [PROTOCOL, ...LEAVES],
  [`${S}conversations/`]: [PROTOCOL, ...LEAVES, `${S}store/`],
  [`${S}archive/`]: [PROTOCOL, ...LEAVES, `${S}store/`],
  [`${S}ingest/`]: [PROTOCOL, ...LEAVES, `${S}store/`, `${S}control/`, `${S}orgs/`],
  [`${S}jobs/`]: [PROTOCOL, ...LEAVES, `${S}store/`, `${S}archive/`, `${S}ingest/`],
  // The publish stage: reads the store's outbox and deliveries, renders and sends.
  [`${S}notify/`]: [PROTOCOL, ...LEAVES, `${S}store/`, `${S}control/`, `${S}orgs/`],
  // The watch stage: judges the rollups against baselines and rules, writes alerts with records.
  [`${S}alerts/`]: [PROTOCOL, ...LEAVES, `${S}store/`],
  // Paid logs (x402): payment checks, offers and settlement, on the store's offer and ledger model.
  [`${S}x402/`]: [PROTOCOL, ...LEAVES, `${S}store/`],
  [`${S}http/`]: [
    PROTOCOL,
    ...LEAVES,
    `${S}store/`,
    `${S}control/`,
    `${S}auth/`,
    `${S}orgs/`,
    `${S}conversations/`,
    `${S}archive/`,
    `${S}ingest/`,
    `${S}notify/`,
    `${S}alerts/`,
    `${S}x402/`,
    `${S}http/mcp/`,
  ],
  // The /mcp endpoint: the MCP package, which reaches the trail over the server's own HTTP API.
  [`${S}http/mcp/`]: [PROTOCOL, ...LEAVES, `${S}http/`, 'packages/mcp/src/index.ts'],
  // The MCP server talks to AgentTrail like any client: through the SDK, never the server.
  'packages/mcp/src/': ['packages/sdk/src/index.ts'],
  // verify-command.ts is also held to BUILTINS_ONLY below.
  'packages/cli/src/': [
    PROTOCOL,
    'packages/server/src/index.ts',
    'packages/mcp/src/index.ts',
    'packages/sdk/src/index.ts',
  ],
}

/**
 * Entry points that load nothing but Node's built-ins and the files named beside them (paths
 * from the repository root; a trailing `/` is a folder): the offline verifier and the dependency-
 * free integrity subpath it loads (`@agenttrail/protocol/integrity`).
 */
export const BUILTINS_ONLY = {
  'packages/protocol/src/integrity/index.ts': ['packages/protocol/src/integrity/'],
  'packages/cli/src/verify-command.ts': [
    'packages/protocol/src/integrity/',
    'packages/cli/src/command-flags.ts',
    'packages/cli/src/exit-codes.ts',
    'packages/cli/src/safe-text.ts',
  ],
}

/** Every source file under packages/x/src, tests and contracts left out. */
function sourceFiles(root) {
  const out = []
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.(test|contract)\.\w+$|\.d\.m?ts$/.test(name))
        out.push(relative(root, path).split(sep).join('/'))
    }
  }
  const packages = join(root, 'packages')
  for (const pkg of readdirSync(packages)) {
    const src = join(packages, pkg, 'src')
    if (existsSync(src)) walk(src)
  }
  return out.sort()
}

/** Package names to their src folders, from each packages/x/package.json. */
function packageNames(root) {
  const names = new Map()
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const manifest = join(root, 'packages', pkg, 'package.json')
    if (existsSync(manifest))
      names.set(JSON.parse(readFileSync(manifest, 'utf8')).name, `packages/${pkg}/src`)
  }
  return names
}

function resolveSpecifier(root, names, from, spec) {
  let base
  if (spec.startsWith('.')) base = join(dirname(from), spec).split(sep).join('/')
  else {
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
    const src = names.get(name)
    if (!src) return undefined // a dependency, or node:
    const sub = spec.slice(name.length)
    base = sub === '' ? `${src}/index` : `${src}${sub}`
  }
  const stem = base.replace(/\.(js|mjs|ts)$/, '')
  for (const candidate of [`${stem}.ts`, `${stem}.mts`, base, `${stem}/index.ts`])
    if (existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile())
      return candidate
  return undefined
}

/** The imports of one file: static, dynamic, re-exports and worker URLs. */
function specifiers(text) {
  const found = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName)
  for (const m of text.matchAll(
    /new URL\(\s*['"](\.{1,2}\/[^'"]+\.m?[jt]s)['"]\s*,\s*import\.meta\.url/g,
  ))
    found.push(m[1])
  return found
}

/** The specifiers a file imports for types only (`import type`, `export type ... from`). */
function typeOnlySpecifiers(text) {
  const typeOnly = new Set()
  const valued = new Set()
  for (const m of text.matchAll(
    /^\s*(import|export)\s+(type\s+)?[^;'"]*?from\s*['"]([^'"]+)['"]/gm,
  ))
    (m[2] ? typeOnly : valued).add(m[3])
  for (const spec of valued) typeOnly.delete(spec)
  return typeOnly
}

/**
 * What the entries of `builtinsOnly` reach beyond Node's built-ins and their allowed files: each
 * import (but type-only ones) of every file they load, followed through allowed files.
 */
export function builtinsOnlyViolations(root, builtinsOnly = BUILTINS_ONLY) {
  const names = packageNames(root)
  const problems = []
  for (const [entry, allowed] of Object.entries(builtinsOnly)) {
    if (!existsSync(join(root, entry))) continue
    const ok = (file) =>
      file === entry || allowed.some((a) => (a.endsWith('/') ? file.startsWith(a) : file === a))
    const seen = new Set([entry])
    const queue = [entry]
    while (queue.length > 0) {
      const file = queue.shift()
      const text = readFileSync(join(root, file), 'utf8')
      const typeOnly = typeOnlySpecifiers(text)
      for (const spec of new Set(specifiers(text))) {
        if (spec.startsWith('node:') || typeOnly.has(spec)) continue
        const to = resolveSpecifier(root, names, file, spec)
        if (to === undefined || !ok(to)) {
          problems.push(
            `${file} imports ${to ?? spec}, which ${entry} may not load (Node built-ins only; rule BUILTINS_ONLY)`,
          )
        } else if (!seen.has(to)) {
          seen.add(to)
          queue.push(to)
        }
      }
    }
  }
  return problems
}

/** Arrows between source files, each resolved to a file in the repository. */
export function importGraph(root) {
  const names = packageNames(root)
  const edges = []
  for (const file of sourceFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8')
    for (const spec of specifiers(text)) {
      const to = resolveSpecifier(root, names, file, spec)
      if (to && to !== file) edges.push({ from: file, to })
    }
  }
  return edges
}

/** Tarjan's strongly connected components of a graph given as Map<node, Set<node>>. */
function components(graph) {
  let index = 0
  const stack = []
  const info = new Map()
  const out = []
  const visit = (v) => {
    info.set(v, { index, low: index, onStack: true })
    index++
    stack.push(v)
    for (const w of graph.get(v) ?? []) {
      if (!info.has(w)) {
        visit(w)
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low)
      } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index)
    }
    if (info.get(v).low === info.get(v).index) {
      const component = []
      let w
      do {
        w = stack.pop()
        info.get(w).onStack = false
        component.push(w)
      } while (w !== v)
      if (component.length > 1) out.push(component)
    }
  }
  for (const v of graph.keys()) if (!info.has(v)) visit(v)
  return out
}

/** One circle through `start` inside its component: the shortest way back to it. */
function circleThrough(graph, members, start) {
  const previous = new Map([[start, null]])
  const queue = [start]
  while (queue.length > 0) {
    const v = queue.shift()
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue
      if (w === start) {
        const path = [v]
        while (previous.get(path[0]) !== null) path.unshift(previous.get(path[0]))
        return [...path, start]
      }
      if (previous.has(w)) continue
      previous.set(w, v)
      queue.push(w)
    }
  }
  return [start]
}

/** Circles among the children of every folder, each named with one import per arrow. */
export function folderCycles(edges) {
  const levels = new Map() // folder -> Map<child, Set<child>>
  const example = new Map() // `${folder}|${a}|${b}` -> an edge
  for (const edge of edges) {
    const a = edge.from.split('/')
    const b = edge.to.split('/')
    let i = 0
    while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i++
    const folder = a.slice(0, i).join('/')
    const [ca, cb] = [a[i], b[i]]
    if (ca === cb) continue
    if (!levels.has(folder)) levels.set(folder, new Map())
    const graph = levels.get(folder)
    if (!graph.has(ca)) graph.set(ca, new Set())
    graph.get(ca).add(cb)
    const key = `${folder}|${ca}|${cb}`
    if (!example.has(key)) example.set(key, edge)
  }
  const problems = []
  for (const [folder, graph] of [...levels].sort(([x], [y]) => x.localeCompare(y)))
    for (const component of components(graph)) {
      const members = new Set(component)
      const circle = circleThrough(graph, members, component.sort()[0])
      const arrows = circle.slice(1).map((to, k) => {
        const e = example.get(`${folder}|${circle[k]}|${to}`)
        return `${e.from} -> ${e.to}`
      })
      problems.push(
        `import cycle in ${folder || '.'}/ among ${component.join(', ')}: ` +
          `${circle.join(' -> ')} (${arrows.join('; ')})`,
      )
    }
  return problems
}

/** Imports a room's rule does not allow. */
export function ruleViolations(edges, rules) {
  const rooms = Object.keys(rules).sort((x, y) => y.length - x.length)
  const covers = (entry, file) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry)
  const roomOf = (file) => rooms.find((r) => covers(r, file))
  const problems = []
  for (const { from, to } of edges) {
    const room = roomOf(from)
    // Within one room anything goes; a nested rule (store/ in src/) makes its own room.
    if (room === undefined || roomOf(to) === room) continue
    if (!rules[room].some((entry) => covers(entry, to)))
      problems.push(`${from} may not import ${to} (rule for ${room})`)
  }
  return problems
}

export function checkImports(root, rules = RULES, builtinsOnly = BUILTINS_ONLY) {
  const edges = importGraph(root)
  return [
    ...folderCycles(edges),
    ...ruleViolations(edges, rules),
    ...builtinsOnlyViolations(root, builtinsOnly),
  ]
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  if (process.argv.includes('--graph')) {
    for (const { from, to } of importGraph(root)) console.log(`${from} -> ${to}`)
  } else {
    const problems = checkImports(root)
    for (const p of problems) console.error(p)
    if (problems.length > 0) {
      console.error(`${problems.length} import rule problem(s); see docs/architecture.md`)
      process.exit(1)
    }
  }
}
