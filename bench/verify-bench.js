// Offline verification of 1,000,000 events (not in CI): `npm run build && node bench/verify-bench.js
// [--events N] [--keep]`. Writes a verifiable export (SPEC18's JSONL) to .bench/verify-<N>.jsonl
// with the integrity core and no server: realistic LLM-call events of about 1 KB, every 100th one
// erased under a tombstone per 10,000 seqs, a signed checkpoint every 1,000 events. Then times
// `agenttrail verify FILE --key VKEY --json` as a child process and prints events/s and the total.
import { spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  TreeRecord,
  checkpointBody,
  consistencyProof,
  ed25519Signer,
  generateEd25519Pem,
  leafBytes,
  leafHash,
  newSalt,
  signNote,
  verifierKey,
  keyId,
} from '../packages/protocol/dist/integrity/index.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'packages/cli/dist/main.js')
const arg = (name) => process.argv[process.argv.indexOf(name) + 1]
const EVENTS = process.argv.includes('--events') ? Number(arg('--events')) : 1_000_000
const BLOCK = 10_000 // seqs per tombstone: 9,999 events and the tombstone that erases 1 in 100
const CHECKPOINT_EVERY = 1_000
const ORG = 'bench'
const ORIGIN = `agenttrail-bench/t/${ORG}`
const START = Date.parse('2026-06-01T00:00:00Z')
const WORDS =
  'the order invoice refund customer shipment delay policy agent tool result account'.split(' ')

/** A deterministic ~1 KB LLM-call event as the API returns it. */
function event(seq) {
  const at = new Date(START + seq * 50).toISOString()
  const text = (n) =>
    Array.from({ length: n }, (_, i) => WORDS[(seq * 7 + i * 3) % WORDS.length]).join(' ')
  return {
    id: `0190a5c4-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`,
    org_id: ORG,
    seq,
    environment: 'production',
    idempotency_key: null,
    ts: at,
    received_at: at,
    agent: `support-agent-${seq % 12}`,
    user: `customer${seq % 5000}@example.com`,
    ip_address: `203.0.113.${seq % 250}`,
    kind: 'llm_call',
    service: 'openai',
    action: 'chat.completions',
    status: seq % 50 === 0 ? 'error' : 'success',
    title: `answer ticket T-${seq}`,
    trace_id: `trace-${Math.floor(seq / 8)}`,
    span_id: `span-${seq}`,
    parent_span_id: null,
    conversation_id: `conv-${Math.floor(seq / 20)}`,
    provider: 'openai',
    model: 'gpt-4o-mini',
    tokens_input: 300 + (seq % 200),
    tokens_output: 80 + (seq % 90),
    tokens_cache_read: null,
    tokens_cache_write: null,
    tokens_total: 380 + (seq % 290),
    cost_usd: 0.000412,
    cost_source: 'client',
    stop_reason: 'stop',
    rate_limit: null,
    input: { messages: [{ role: 'user', content: `${text(8)}?` }] },
    output: { text: text(5) },
    system_prompt_sha256: 'a3f1c0de9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504',
    messages: null,
    thinking: null,
    tool_calls: null,
    error: null,
    duration_ms: 400 + (seq % 900),
    tags: ['support', 'billing'],
    metadata: { ticket: `T-${seq}`, region: 'eu-west-1' },
    context: null,
    control: null,
  }
}

/** The tombstone at `seq` erasing `erased` (ascending seqs). */
function tombstone(seq, erased) {
  return {
    ...event(seq),
    kind: 'audit',
    action: 'log.erasure',
    agent: null,
    user: 'system',
    ip_address: null,
    input: null,
    output: null,
    system_prompt_sha256: null,
    model: null,
    provider: null,
    metadata: {
      erased: erased.map((s) => [s, s]),
      count: erased.length,
      reason: 'GDPR Art. 17 request',
      selector: { by: 'event' },
      request_ref: null,
    },
  }
}

async function writeExport(file, signer) {
  const out = createWriteStream(file)
  let buffer = ''
  const write = async (line) => {
    buffer += `${line}\n`
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain')
      buffer = ''
    }
  }
  const vkey = verifierKey(ORIGIN, signer.publicKey)
  await write(
    JSON.stringify({
      type: 'header',
      format: 'agenttrail-log-export/1',
      org_id: ORG,
      origin: ORIGIN,
      tree_size: EVENTS,
      generated_at: new Date(START + EVENTS * 50 + 1000).toISOString(),
    }),
  )
  await write(
    JSON.stringify({
      type: 'key',
      name: ORIGIN,
      key_id: keyId(ORIGIN, 1, signer.publicKey).toString('hex'),
      vkey,
      not_before: new Date(START - 86_400_000).toISOString(),
      not_after: null,
    }),
  )
  const tree = new TreeRecord()
  const checkpoints = []
  let erasedCount = 0
  for (let seq = 1; seq <= EVENTS; seq++) {
    const blockEnd = Math.min(EVENTS, Math.ceil(seq / BLOCK) * BLOCK)
    const isTombstone = seq === blockEnd
    const blockStart = blockEnd - BLOCK + 1
    const e = isTombstone
      ? tombstone(seq, range(Math.max(1, blockStart), seq - 1).filter(erasedSeq))
      : event(seq)
    const salt = newSalt()
    const leaf = leafBytes(e, salt)
    const hash = leafHash(leaf)
    tree.append(hash)
    const base = { type: 'entry', seq, leaf_hash: hash.toString('base64') }
    if (!isTombstone && erasedSeq(seq)) {
      erasedCount++
      await write(JSON.stringify({ ...base, leaf, erased_by: blockEnd }))
    } else await write(JSON.stringify({ ...base, event: e, salt: salt.toString('base64') }))
    if (seq % CHECKPOINT_EVERY === 0 || seq === EVENTS) {
      const time = Math.floor((START + seq * 50) / 1000)
      checkpoints.push({
        size: seq,
        time,
        note: signNote(checkpointBody(ORIGIN, seq, tree.rootAt(seq)), signer, time),
      })
    }
  }
  let previous = 0
  for (const cp of checkpoints) {
    const proof = await consistencyProof(previous, cp.size, (lo, hi) => tree.rangeHash(lo, hi))
    await write(
      JSON.stringify({
        type: 'checkpoint',
        tree_size: cp.size,
        created_at: new Date(cp.time * 1000).toISOString(),
        note: cp.note,
        consistency: proof.map((h) => h.toString('base64')),
      }),
    )
    previous = cp.size
  }
  await write(JSON.stringify({ type: 'end', entries: EVENTS }))
  out.end(buffer)
  await once(out, 'finish')
  return { vkey, erasedCount, checkpoints: checkpoints.length }
}

/** Every 100th event (by seq) is erased; tombstones never are. */
function erasedSeq(seq) {
  return seq % 100 === 50 && seq % BLOCK !== 0
}

function range(a, b) {
  const out = []
  for (let s = a; s <= b; s++) out.push(s)
  return out
}

mkdirSync(join(ROOT, '.bench'), { recursive: true })
const file = join(ROOT, '.bench', `verify-${EVENTS}.jsonl`)
const signer = ed25519Signer(ORIGIN, generateEd25519Pem())
let t = performance.now()
const made = await writeExport(file, signer)
const writeSeconds = (performance.now() - t) / 1000
const bytes = statSync(file).size
console.log(
  `wrote ${EVENTS.toLocaleString('en')} events (${made.erasedCount.toLocaleString('en')} erased, ` +
    `${made.checkpoints} checkpoints), ${(bytes / 2 ** 20).toFixed(0)} MiB, ${Math.round(bytes / EVENTS)} B/line, in ${writeSeconds.toFixed(1)} s`,
)
const args = [CLI, 'verify', file, '--key', made.vkey, '--json']
console.log(`$ node packages/cli/dist/main.js verify ${file} --key <vkey> --json`)
// GNU time, where there is one, gives the verifier's peak memory (%M: max RSS in KiB).
const gnuTime = existsSync('/usr/bin/time')
t = performance.now()
const run = gnuTime
  ? spawnSync('/usr/bin/time', ['-f', 'max-rss-kib %M cpu-s %U %S', process.execPath, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
  : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 })
const seconds = (performance.now() - t) / 1000
const usage = /max-rss-kib (\d+) cpu-s ([\d.]+) ([\d.]+)/.exec(run.stderr ?? '')
const rss = usage?.[1]
const cpu = usage === null ? undefined : Number(usage[2]) + Number(usage[3])
if (run.status !== 0) {
  console.error(`verify exited ${run.status}: ${run.stderr}\n${run.stdout.slice(0, 2000)}`)
  process.exit(1)
}
const report = JSON.parse(run.stdout)
console.log(
  `verify: ${report.status}, ${report.entries.toLocaleString('en')} entries, ${report.erased.toLocaleString('en')} erased, ` +
    `${report.checkpoints} checkpoints, verified up to size ${report.verified_size}`,
)
console.log(
  `time: ${seconds.toFixed(1)} s wall for the process (${(report.elapsed_ms / 1000).toFixed(1)} s in verifyExport), ` +
    `${Math.round(EVENTS / seconds).toLocaleString('en')} events/s` +
    (rss === undefined ? '' : `, peak memory ${Math.round(Number(rss) / 1024)} MiB`) +
    // CPU time says more than wall time on a shared machine: it does not count the waits.
    (cpu === undefined
      ? ''
      : `, ${cpu.toFixed(1)} CPU s (${Math.round(EVENTS / cpu).toLocaleString('en')} events per CPU second)`) +
    `; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}, Node ${process.version}`,
)
if (!process.argv.includes('--keep')) rmSync(file)
