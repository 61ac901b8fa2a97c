// Same-run A/B of ingest between two built checkouts (each with packages/cli/dist/main.js), to show
// that a change costs no ingest throughput beyond noise. On a shared 2-core machine two runs an hour
// apart differ by more than most regressions, so both builds are measured in one run, alternating
// A, B then B, A round by round (drift in the machine's load hits both alike), and each round's
// B/A ratio is kept: their spread is the noise a median difference has to beat.
//
//   node bench/ab-ingest.js --a <dirA> --b <dirB> [--rounds 3] [--seconds 5] [--stores sqlite,postgres]
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { abTable, measureAB } from './ab-core.js'

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    stores: { type: 'string', default: 'sqlite,postgres' },
  },
})
if (!values.a || !values.b) {
  console.error(
    'usage: node bench/ab-ingest.js --a <dirA> --b <dirB> [--rounds 3] [--seconds 5] [--stores sqlite,postgres]',
  )
  process.exit(2)
}
const ROUNDS = Number(values.rounds)
const SECONDS = Number(values.seconds)
// The CLI of each checkout, not of this one: this script may live in only one of them.
const CLIS = { A: values.a, B: values.b }
for (const [name, dir] of Object.entries(CLIS)) {
  CLIS[name] = join(resolve(dir), 'packages/cli/dist/main.js')
  if (!existsSync(CLIS[name]))
    throw new Error(`${name}: ${CLIS[name]} missing; npm run build there`)
}
const log = (...args) => process.stderr.write(`${args.join(' ')}\n`)

const results = await measureAB({
  variants: { A: { cli: CLIS.A }, B: { cli: CLIS.B } },
  rounds: ROUNDS,
  seconds: SECONDS,
  stores: new Set(values.stores.split(',')),
  log,
})
const { markdown, bad } = abTable(results, log)
console.log(
  `A: ${CLIS.A}\nB: ${CLIS.B}\n${ROUNDS} round(s) of ${SECONDS} s per phase; events/s counts 2xx only.\n\n${markdown}`,
)
// A run with refusals measured something other than ingest: say so in the exit code too.
if (bad > 0) {
  log(`${bad} request(s) were not answered 2xx; the numbers above are not a valid comparison`)
  process.exitCode = 1
}
