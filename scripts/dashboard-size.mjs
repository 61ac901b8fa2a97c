// The dashboard's initial load in gzipped JavaScript: what index.html fetches (its module script and
// every modulepreload) plus, for the view a user lands on, that view's lazy chunk and the chunks it
// imports. Reported for the heaviest view, since any view can be the first one opened from a link.
// `node scripts/dashboard-size.mjs` prints it; test/dashboard/bundle-size.test.ts holds it to budget.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

/** The most gzipped JavaScript a first page load can fetch, in bytes: 250 KB. */
export const INITIAL_JS_BUDGET = 250 * 1024

/**
 * Sizes of a built dashboard (`dist`): the entry's files, and per lazy view chunk the extra files
 * it pulls in. `worst` is the entry plus the heaviest view, the figure the budget applies to.
 */
export function initialJavaScript(dist) {
  const sizes = new Map()
  const gzip = (file) => {
    if (!sizes.has(file))
      sizes.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length)
    return sizes.get(file)
  }
  // Static imports of a chunk (`from"./x.js"`, `import"./x.js"`), transitively.
  const closure = (file, seen = new Set()) => {
    if (seen.has(file)) return seen
    seen.add(file)
    const text = readFileSync(join(dist, file), 'utf8')
    for (const m of text.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g))
      closure(`assets/${m[1]}`, seen)
    return seen
  }
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const entryFiles = new Set()
  for (const m of [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="\/([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g),
  ])
    for (const f of closure(m[1])) entryFiles.add(f)
  const entry = [...entryFiles].reduce((a, f) => a + gzip(f), 0)
  const lazy = new Set()
  for (const f of entryFiles)
    for (const m of readFileSync(join(dist, f), 'utf8').matchAll(/"(assets\/[^"]+\.js)"/g))
      lazy.add(m[1])
  const views = [...lazy].map((chunk) => {
    const extra = [...closure(chunk)].filter((f) => !entryFiles.has(f))
    return { chunk, gzip: extra.reduce((a, f) => a + gzip(f), 0) }
  })
  views.sort((a, b) => b.gzip - a.gzip)
  return { entry, views, worst: entry + (views[0]?.gzip ?? 0) }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = fileURLToPath(new URL('../packages/dashboard/dist', import.meta.url))
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`
  const size = initialJavaScript(dist)
  console.log(`entry (shell): ${kb(size.entry)} gzip`)
  for (const v of size.views) console.log(`  + ${v.chunk}: ${kb(v.gzip)} gzip`)
  console.log(
    `initial load, heaviest first view: ${kb(size.worst)} gzip (budget ${kb(INITIAL_JS_BUDGET)})`,
  )
}
