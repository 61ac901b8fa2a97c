// A leaf's preparation on the event loop, per event (not in CI): `npm run build && node
// bench/leaf-bench.js [--events N] [--runs R] [--before DIR]`. Over N bench events (bench/workload.js,
// normalized as the API does), best of R interleaved runs of each, µs of CPU per event:
// - reference: `leafSourceOf` and `jcs({ event: committedEvent(...), v: 1 })` (RFC 8785 in JS, the
//   definition the tests check `prepareLeaf` against);
// - prepareLeaf: `leafSourceOf` and `prepareLeaf`, as the store's `withLeaves` does;
// - with `--before DIR` (another built checkout, e.g. /work/main), that tree's `prepareLeaf` too.
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeEvent, rng } from './workload.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const arg = (name, fallback) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback
const EVENTS = Number(arg('--events', 20_000))
const RUNS = Number(arg('--runs', 7))
const BEFORE = arg('--before', null)

const load = async (root) => ({
  protocol: await import(join(root, 'packages/protocol/dist/index.js')),
  rows: await import(join(root, 'packages/server/dist/store/event-row.js')),
})
const here = await load(ROOT)
const { committedEvent, jcs, newSalt, normalizeEvent, prepareLeaf } = here.protocol
const { leafSourceOf } = here.rows

const rand = rng(7)
const now = Date.now()
const events = Array.from(
  { length: EVENTS },
  () => normalizeEvent(makeEvent(rand, now, 86_400_000), { now }).event,
)
const salts = events.map(() => newSalt())

/** µs of CPU (this process, user + system) per event over one pass; checks the output is used. */
function pass(prepare) {
  let bytes = 0
  const start = process.cpuUsage()
  for (let i = 0; i < EVENTS; i++) bytes += prepare(i).length
  const { user, system } = process.cpuUsage(start)
  if (bytes === 0) throw new Error('nothing was written')
  return (user + system) / EVENTS
}

/** Best of RUNS passes of each, the passes interleaved so that the machine's drift hits all alike. */
function timeAll(preparers) {
  const best = preparers.map(() => Infinity)
  for (let r = 0; r < RUNS; r++)
    preparers.forEach((prepare, k) => (best[k] = Math.min(best[k], pass(prepare))))
  return best
}

const reference = (i) => {
  const source = leafSourceOf('org', events[i])
  return jcs({ event: committedEvent(source, salts[i]), v: 1 })
}
const current = (i) => prepareLeaf(leafSourceOf('org', events[i]), salts[i])

// Byte for byte: what the reference writes is what prepareLeaf and finishLeaf write (no control,
// seq and receipt time added to both).
for (let i = 0; i < 100; i++) {
  const source = leafSourceOf('org', events[i])
  const received = '2026-01-01T00:00:00.000Z'
  const want = jcs({
    event: {
      ...committedEvent(source, salts[i]),
      control: null,
      received_at: received,
      seq: i + 1,
    },
    v: 1,
  })
  if (here.protocol.finishLeaf(current(i), i + 1, received, null) !== want)
    throw new Error(`event ${i}: prepareLeaf differs from the reference`)
}

const rows = [
  ['reference (jcs of the committed event)', reference],
  ['prepareLeaf (this tree)', current],
]
if (BEFORE) {
  const before = await load(BEFORE)
  const prepare = (i) =>
    before.protocol.prepareLeaf(before.rows.leafSourceOf('org', events[i]), salts[i])
  rows.push([`prepareLeaf (${BEFORE})`, prepare])
}
const times = timeAll(rows.map(([, prepare]) => prepare))
console.log(
  `${EVENTS} bench events, best of ${RUNS} runs, node ${process.version}, load average ${loadavg()[0].toFixed(2)}`,
)
rows.forEach(([name], k) => console.log(`${name.padEnd(44)} ${times[k].toFixed(2)} µs/event`))
