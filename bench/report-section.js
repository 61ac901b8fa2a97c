// `node bench/run.js --only <section>`: one section of docs/benchmarks.md measured again and put in
// place of the old one, leaving the rest of the file as the last full run wrote it.
import { readFileSync, writeFileSync } from 'node:fs'

/** The sections that can be run alone: the heading each one's markdown starts with, and how to measure it. */
export const SECTIONS = {
  sdk: {
    heading: '## SDK',
    run: async (log) => (await import('./sdk-bench.js')).runSdkBench({ log }),
  },
  control: {
    heading: '## Control plane',
    run: async (log) => (await import('./check-bench.js')).runCheckBench({ log }),
  },
  'events-out': {
    heading: '## Events out',
    run: async (log) => (await import('./events-out-bench.js')).runEventsOutBench({ log }),
  },
  alerts: {
    heading: '## Alerts',
    run: async (log) => (await import('./alerts-bench.js')).runAlertsBench({ log }),
  },
  otlp: {
    heading: '## OTLP span ingest',
    run: async (log) => (await import('./otlp-bench.js')).runOtlpBench({ log }),
  },
  limits: {
    heading: '## Limits',
    run: async (log) => (await import('./limits-bench.js')).runLimitsBench({ log }),
  },
  integrity: {
    heading: '## Integrity log',
    run: async (log) => (await import('./integrity-bench.js')).runIntegrityBench({ log }),
  },
}

/** `text` with the section under `heading` (up to the next `## ` heading) replaced by `markdown`; appended when absent. */
export function replaceSection(text, heading, markdown) {
  const section = `${markdown.trimEnd()}\n`
  const at = text.startsWith(`${heading}\n`) ? 0 : text.indexOf(`\n${heading}\n`) + 1
  if (at === 0 && !text.startsWith(`${heading}\n`)) return `${text.trimEnd()}\n\n${section}`
  const next = text.indexOf('\n## ', at + heading.length)
  return text.slice(0, at) + section + (next === -1 ? '' : `\n${text.slice(next + 1)}`)
}

/** Measures section `name` and writes it into `file`. */
export async function runSection(name, file, log) {
  const section = SECTIONS[name]
  if (!section) throw new Error(`--only takes one of: ${Object.keys(SECTIONS).join(', ')}`)
  const { markdown } = await section.run(log)
  writeFileSync(file, replaceSection(readFileSync(file, 'utf8'), section.heading, markdown))
  log(`replaced "${section.heading.slice(3)}" in ${file}`)
}
